package dev.godwit.orchestrator.cli;

import dev.godwit.mappings.task.Task;
import dev.godwit.mappings.task.TaskFileException;
import dev.godwit.orchestrator.plan.Plan;
import dev.godwit.orchestrator.plan.PlanPrinter;
import dev.godwit.orchestrator.plan.Planner;
import dev.godwit.workers.pg.PgConnector;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Callable;

@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "Reads the live source catalog, runs the task's table mappings over it, and prints what a run would migrate: for every selected table and column, source → target, with types, filters, load order and the rules that touched it. Creates nothing. A rule that matches nothing, a filter on a missing column or a lossy type change without opt-in is an error (exit code 2).")
final class PlanCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    TaskArgument task;

    @Option(names = "--json", description = "Print the plan as JSON.")
    boolean json;

    @Override
    public Integer call() throws TaskFileException, SQLException {
        Task loaded = task.load();
        Plan plan;
        try (Connection c = new PgConnector("source", loaded.source()).open("plan")) {
            plan = Planner.forSource(loaded, c);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            new PlanPrinter().printJson(plan, out);
        } else {
            new PlanPrinter().printText(plan, out);
        }
        return ExitCodes.OK;
    }
}
