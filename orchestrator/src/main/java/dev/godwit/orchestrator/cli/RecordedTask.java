package dev.godwit.orchestrator.cli;

import dev.godwit.mappings.task.Task;
import dev.godwit.orchestrator.state.ControlSchema;
import dev.godwit.orchestrator.state.TaskStore;
import dev.godwit.workers.pg.PgConnector;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * A task that must have state on the target, opened for a command that works on both servers (validate, repair):
 * both endpoints wait for a restarting server, and the control schema is installed, since a task started by an older
 * godwit lacks the tables these commands write.
 */
record RecordedTask(Task task, ControlSchema control, PgConnector source, PgConnector target, TaskStore.TaskRow row) {

    static RecordedTask open(Task task, String purpose) throws SQLException {
        ControlSchema control = new ControlSchema(task.settings().controlSchema());
        PgConnector source = new PgConnector("source", task.source()).waitingForRestarts();
        PgConnector target = new PgConnector("target", task.target()).waitingForRestarts();
        try (Connection t = target.open(purpose)) {
            TaskStore.TaskRow row = TaskStates.require(t, control, new TaskStore(control, task.name()), task);
            control.install(t);
            return new RecordedTask(task, control, source, target, row);
        }
    }
}
