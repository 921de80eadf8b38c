package dev.godwit.orchestrator.validate;

import dev.godwit.mappings.task.Task;
import dev.godwit.orchestrator.state.ControlSchema;
import dev.godwit.workers.pg.PgConnector;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code godwit validate}: picks the position to compare at from the task's state. A task that streams changes is
 * compared under an applier hold, with the applier of the process that runs the task, or, when none does, with one
 * started here for the time of the validation. A finished or cut-over task, or a full-load task, is compared on a
 * fresh snapshot.
 */
public final class TaskValidation {
    private final Task task;
    private final PgConnector source;
    private final PgConnector target;
    private final ControlSchema control;
    private final Optional<ChunkSpread> spread;

    /** @param spread when present, the chunks are compared by the task's worker processes too */
    public TaskValidation(Task task, PgConnector source, PgConnector target, ControlSchema control,
                          Optional<ChunkSpread> spread) {
        this.task = task;
        this.source = source;
        this.target = target;
        this.control = control;
        this.spread = spread;
    }

    /**
     * @param streams        the task applies changes (CDC, not cut over)
     * @param runsElsewhere  a live process runs the task and applies them
     */
    public ValidationReport run(boolean content, List<String> tables, boolean streams, boolean runsElsewhere,
                                Duration holdTimeout) throws Exception {
        Validator local = new Validator(task, source, target, control);
        Validator validator = spread.map(local::spreadOver).orElse(local);
        if (!streams) {
            return validator.run(content, ValidationPosition.quiesced(), tables);
        }
        if (runsElsewhere) {
            return validator.run(content, ValidationPosition.hold(holdTimeout), tables);
        }
        return withLocalApplier(task, source, target, control,
                () -> validator.run(content, ValidationPosition.hold(holdTimeout), tables));
    }

    /** Work that needs an applier to hold, run while this process applies the task's changes itself. */
    interface Work<T> {
        T run() throws Exception;
    }

    /** With no process running the task, this one applies its changes for as long as {@code work} runs. */
    static <T> T withLocalApplier(Task task, PgConnector source, PgConnector target, ControlSchema control, Work<T> work)
            throws Exception {
        LocalApplier applier = LocalApplier.start(task, source, target, control);
        T result;
        try {
            result = work.run();
        } catch (Exception e) {
            // the applier's own failure says more than "nobody answered the hold"
            Exception cause = applier.failure().orElse(e);
            try {
                applier.close();
            } catch (Exception closing) {
                if (closing != cause) {
                    cause.addSuppressed(closing);
                }
            }
            throw cause;
        }
        applier.close();
        return result;
    }
}
