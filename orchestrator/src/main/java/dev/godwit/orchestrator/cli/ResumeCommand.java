package dev.godwit.orchestrator.cli;

import dev.godwit.mappings.task.Task;
import dev.godwit.orchestrator.cdc.CdcObserver;
import dev.godwit.orchestrator.metrics.Metrics;
import dev.godwit.orchestrator.run.MigrationRunner;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "resume", mixinStandardHelpOptions = true,
        description = "Continues a stopped or crashed task from the state recorded in the control schema: committed units are kept, a table interrupted between its units is copied again, and the steps not yet done are run.")
final class ResumeCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    TaskArgument task;

    @Mixin
    MetricsOption metrics;

    @Mixin
    WorkersOption workers;

    @Override
    public Integer call() throws Exception {
        Task loaded = task.load();
        Optional<Metrics> served = Metrics.serve(loaded, metrics.port());
        try (AutoCloseable closing = served.orElse(null)) {
            new MigrationRunner(loaded, spec.commandLine().getOut(),
                    served.map(Metrics::cdc).orElse(CdcObserver.none()),
                    workers.distribution(loaded)).resume();
        }
        return ExitCodes.OK;
    }
}
