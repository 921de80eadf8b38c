package dev.godwit.orchestrator.cli;

import dev.godwit.orchestrator.state.DesiredState;
import dev.godwit.mappings.task.Task;
import dev.godwit.orchestrator.state.ControlSchema;
import dev.godwit.orchestrator.state.TaskStore;
import dev.godwit.workers.pg.PgConnector;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

import dev.godwit.mappings.task.StopAt;
import dev.godwit.orchestrator.failure.FailureKind;
import dev.godwit.orchestrator.failure.GodwitException;
import picocli.CommandLine.Option;

import java.sql.Connection;
import java.time.ZoneId;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "stop", mixinStandardHelpOptions = true,
        description = "Asks the running task to stop, from any machine that reaches the target: the desired state is recorded in the control schema; the running process finishes the unit or transaction at hand, records it, and exits 0. 'godwit resume' continues later.")
final class StopCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    TaskArgument task;

    @Option(names = "--at", paramLabel = "LSN|TIME", description = "Stop change data capture by itself at this point instead of now: every source transaction that commits at or before it is applied, none after it. An LSN (0/16B3748) or an ISO-8601 time (2026-12-24T18:00:00Z; without an offset, this machine's time zone).")
    String at;

    @Override
    public Integer call() throws Exception {
        Task loaded = task.load();
        Optional<StopAt> point = at == null ? Optional.empty() : Optional.of(StopAt.parse(at, ZoneId.systemDefault())
                .orElseThrow(() -> new GodwitException(FailureKind.BAD_INPUT, "--at '" + at + "': expected "
                        + StopAt.EXPECTED)));
        ControlSchema control = new ControlSchema(loaded.settings().controlSchema());
        TaskStore store = new TaskStore(control, loaded.name());
        try (Connection t = new PgConnector("target", loaded.target()).open("stop")) {
            TaskStore.TaskRow row = TaskStates.require(t, control, store, loaded);
            if (point.isPresent()) {
                control.install(t); // a control schema of an earlier version gains the column
                store.setStopAt(t, Optional.of(point.get().toString()));
                store.event(t, "INFO", "stop", "stop point set by 'godwit stop --at': " + point.get());
                spec.commandLine().getOut().println("Stop point " + point.get() + " recorded: change data capture applies"
                        + " every transaction committed up to it, then stops"
                        + (dev.godwit.orchestrator.state.Owners.runsElsewhere(row) ? "." : " (when a run streams it)."));
                return ExitCodes.OK;
            }
            store.setDesiredState(t, DesiredState.STOP);
            store.event(t, "INFO", "stop", "stop requested by 'godwit stop'");
            spec.commandLine().getOut().println(dev.godwit.orchestrator.state.Owners.runsElsewhere(row)
                    ? "Stop requested: " + row.owner() + " finishes the work at hand and exits (within a few seconds)."
                    : "Stop recorded. No godwit process is running this task now; the next 'godwit resume' clears it.");
        }
        return ExitCodes.OK;
    }
}
