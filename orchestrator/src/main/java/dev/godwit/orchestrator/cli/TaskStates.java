package dev.godwit.orchestrator.cli;

import dev.godwit.mappings.task.Task;
import dev.godwit.orchestrator.failure.FailureKind;
import dev.godwit.orchestrator.failure.GodwitException;
import dev.godwit.orchestrator.state.ControlSchema;
import dev.godwit.orchestrator.state.TaskStore;

import java.sql.Connection;
import java.sql.SQLException;

/** The recorded state of a task, for the commands that need one to exist. */
final class TaskStates {
    private TaskStates() {
    }

    static TaskStore.TaskRow require(Connection target, ControlSchema control, TaskStore store, Task task) throws SQLException {
        if (!control.exists(target)) {
            throw noState(task, control);
        }
        return store.find(target).orElseThrow(() -> noState(task, control));
    }

    private static GodwitException noState(Task task, ControlSchema control) {
        return new GodwitException(FailureKind.BAD_INPUT, "task '" + task.name() + "' has no state in " + control.name()
                + " on the target " + task.target().redacted() + ": it was never started there (godwit start " + task.file() + ")");
    }
}
