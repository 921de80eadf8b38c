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

@Command(name = "start", mixinStandardHelpOptions = true,
        description = "Runs the task in this process: plan, preflight, target schema, then the full load under one exported snapshot (a new replication slot's when the task has change data capture), units in parallel, keys and indexes as each table completes, sequences last; then, for types full-load-and-cdc and cdc, change data capture until 'godwit stop', SIGTERM or a cutover. Refuses a task that already has state: see 'godwit resume'.")
final class StartCommand implements Callable<Integer> {
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
                    workers.distribution(loaded)).start();
        }
        return ExitCodes.OK;
    }
}
