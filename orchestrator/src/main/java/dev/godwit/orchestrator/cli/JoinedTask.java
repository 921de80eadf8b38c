package dev.godwit.orchestrator.cli;

import dev.godwit.mappings.task.Endpoint;
import dev.godwit.mappings.task.Task;
import dev.godwit.mappings.task.TaskLoader;
import dev.godwit.orchestrator.failure.FailureKind;
import dev.godwit.orchestrator.failure.GodwitException;
import dev.godwit.orchestrator.plan.Parallelism;
import dev.godwit.orchestrator.state.ControlSchema;
import dev.godwit.orchestrator.state.TaskStore;
import dev.godwit.workers.pg.PgConnector;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Optional;

/**
 * The task a 'godwit worker' joins, named by its task file or by the target's URL (the control URL): then the control
 * schema says which tasks there are, where their source is and their parallelism, as the coordinator recorded them,
 * and both passwords come from PGPASSWORD or ~/.pgpass.
 *
 * @param threads the task's full-load parallelism, the worker's default
 */
record JoinedTask(String name, ControlSchema control, int threads, PgConnector source, PgConnector target) {

    static boolean isUrl(String argument) {
        return argument.startsWith("postgresql://") || argument.startsWith("postgres://");
    }

    /**
     * @param taskName      the task's name with a control URL; may be null when the schema holds one task
     * @param controlSchema the control schema with a control URL; null for {@code godwit}
     */
    static JoinedTask resolve(String argument, String taskName, String controlSchema) throws Exception {
        if (!isUrl(argument)) {
            if (taskName != null || controlSchema != null) {
                throw new GodwitException(FailureKind.BAD_INPUT, "--task and --control-schema go with a control URL"
                        + " (postgresql://…); the task file " + argument + " names both");
            }
            Task task = new TaskLoader().load(Path.of(argument));
            ControlSchema control = new ControlSchema(task.settings().controlSchema());
            PgConnector target = new PgConnector("target", task.target()).waitingForRestarts();
            try (Connection t = target.open("control")) {
                TaskStates.require(t, control, new TaskStore(control, task.name()), task);
            }
            return new JoinedTask(task.name(), control, Parallelism.of(task.settings()),
                    new PgConnector("source", task.source()).waitingForRestarts(), target);
        }
        Endpoint targetEndpoint = endpoint(argument, "the control URL");
        ControlSchema control = new ControlSchema(controlSchema == null ? "godwit" : controlSchema);
        PgConnector target = new PgConnector("target", targetEndpoint).waitingForRestarts();
        String name;
        TaskStore.JoinInfo info;
        try (Connection t = target.open("control")) {
            if (!control.exists(t)) {
                throw new GodwitException(FailureKind.BAD_INPUT, "the target " + targetEndpoint.redacted() + " has no"
                        + " control schema " + control.name() + ": start the task first, or name its schema with"
                        + " --control-schema");
            }
            List<String> names = TaskStore.names(t, control);
            if (taskName != null && !names.contains(taskName)) {
                throw new GodwitException(FailureKind.BAD_INPUT, "no task '" + taskName + "' in " + control.name()
                        + " on the target; its tasks: " + (names.isEmpty() ? "none" : String.join(", ", names)));
            }
            if (taskName == null && names.size() != 1) {
                throw new GodwitException(FailureKind.BAD_INPUT, control.name() + " on the target holds "
                        + (names.isEmpty() ? "no task" : "the tasks " + String.join(", ", names))
                        + ": name the one to join with --task");
            }
            name = taskName != null ? taskName : names.get(0);
            Optional<TaskStore.JoinInfo> recorded = new TaskStore(control, name).joinInfo(t);
            if (recorded.isEmpty()) {
                throw new GodwitException(FailureKind.BAD_INPUT, "task '" + name + "' was recorded by an older godwit"
                        + ", without its source's address: join it with its task file, or resume it once first");
            }
            info = recorded.get();
        }
        Endpoint sourceEndpoint = endpoint(info.sourceUrl(), "the source URL recorded for task '" + name + "'");
        return new JoinedTask(name, control, info.parallelism(),
                new PgConnector("source", sourceEndpoint).waitingForRestarts(), target);
    }

    private static Endpoint endpoint(String url, String what) {
        try {
            return Endpoint.fromUrl(url);
        } catch (IllegalArgumentException e) {
            throw new GodwitException(FailureKind.BAD_INPUT, what + " cannot be used: " + e.getMessage());
        }
    }
}
