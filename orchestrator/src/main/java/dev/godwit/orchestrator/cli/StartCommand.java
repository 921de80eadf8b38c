package dev.godwit.orchestrator.cli;

import dev.godwit.orchestrator.run.MigrationRunner;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "start", mixinStandardHelpOptions = true,
        description = "Runs the task in this process: plan, target schema, then the full load under one exported snapshot, units in parallel, keys and indexes as each table completes, sequences last. (Change data capture is not built yet: this version runs tasks of type full-load.)")
final class StartCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    TaskArgument task;

    @Override
    public Integer call() throws Exception {
        new MigrationRunner(task.load(), spec.commandLine().getOut()).start();
        return ExitCodes.OK;
    }
}
