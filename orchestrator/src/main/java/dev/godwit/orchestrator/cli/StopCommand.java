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

import java.sql.Connection;
import java.util.concurrent.Callable;

@Command(name = "stop", mixinStandardHelpOptions = true,
        description = "Asks the running task to stop, from any machine that reaches the target: the desired state is recorded in the control schema; the running process finishes the unit or transaction at hand, records it, and exits 0. 'godwit resume' continues later.")
final class StopCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    TaskArgument task;

    @Override
    public Integer call() throws Exception {
        Task loaded = task.load();
        ControlSchema control = new ControlSchema(loaded.settings().controlSchema());
        TaskStore store = new TaskStore(control, loaded.name());
        try (Connection t = new PgConnector("target", loaded.target()).open("stop")) {
            TaskStore.TaskRow row = TaskStates.require(t, control, store, loaded);
            store.setDesiredState(t, DesiredState.STOP);
            store.event(t, "INFO", "stop", "stop requested by 'godwit stop'");
            spec.commandLine().getOut().println(dev.godwit.orchestrator.state.Owners.runsElsewhere(row)
                    ? "Stop requested: " + row.owner() + " finishes the work at hand and exits (within a few seconds)."
                    : "Stop recorded. No godwit process is running this task now; the next 'godwit resume' clears it.");
        }
        return ExitCodes.OK;
    }
}
