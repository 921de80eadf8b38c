package dev.godwit.orchestrator.cli;

import dev.godwit.mappings.task.Task;
import dev.godwit.mappings.task.TaskFileException;
import dev.godwit.orchestrator.plan.Plan;
import dev.godwit.orchestrator.plan.Planner;
import dev.godwit.orchestrator.preflight.Preflight;
import dev.godwit.orchestrator.preflight.PreflightContext;
import dev.godwit.orchestrator.preflight.PreflightPrinter;
import dev.godwit.orchestrator.preflight.PreflightReport;
import dev.godwit.orchestrator.preflight.SafeFixes;
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

@Command(name = "preflight", mixinStandardHelpOptions = true,
        description = "Checks source and target for everything that would make the run fail or lose data later, and says how to fix each finding. Creates nothing (unless --fix). Exit code 3 when a blocker is found.")
final class PreflightCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    TaskArgument task;

    @Option(names = "--json", description = "Print the findings as JSON.")
    boolean json;

    @Option(names = "--fix", description = "Apply the fixes that are safe and local to the selected source tables "
            + "(REPLICA IDENTITY FULL where a table has no key, the publication), printing each statement first, then "
            + "check again. Never changes server settings, roles or the target.")
    boolean fix;

    @Override
    public Integer call() throws TaskFileException, SQLException {
        Task loaded = task.load();
        PgConnector sourceConnector = new PgConnector("source", loaded.source());
        PgConnector targetConnector = new PgConnector("target", loaded.target());
        try (Connection source = sourceConnector.open("preflight");
             Connection target = targetConnector.open("preflight")) {
            PreflightContext ctx = context(loaded, source, target);
            PrintWriter out = spec.commandLine().getOut();
            if (fix) {
                new SafeFixes().apply(ctx, json ? spec.commandLine().getErr() : out);
                ctx = context(loaded, source, target);
            }
            PreflightReport report = new Preflight().run(ctx);
            if (json) {
                new PreflightPrinter().printJson(loaded, report, out);
            } else {
                new PreflightPrinter().printText(loaded, report, out);
            }
            return report.hasBlockers() ? ExitCodes.PREFLIGHT_BLOCKERS : ExitCodes.OK;
        }
    }

    /** Reads the catalog and plans afresh, so that checks after --fix see the fixed tables. */
    private static PreflightContext context(Task task, Connection source, Connection target) throws SQLException {
        Plan plan = Planner.forSource(task, source);
        return new PreflightContext(task, plan, source, target, task.source().user(), task.target().user());
    }
}
