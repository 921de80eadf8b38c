package dev.godwit.orchestrator.validate;

import dev.godwit.mappings.task.Task;
import dev.godwit.orchestrator.state.ControlSchema;
import dev.godwit.workers.pg.PgConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintWriter;
import java.sql.Connection;
import java.time.Duration;
import java.util.Optional;

/**
 * Validation that a run does by itself when {@code settings.validation.enabled}: right after the full load of a
 * full-load task, and for a full-load-and-cdc task once, at the first moment the applier can hold (a thread requests
 * the hold as CDC starts). A difference is logged loudly and recorded, and does not stop the run: {@code status} and
 * {@code godwit validate} show it. A validation that cannot run is a warning, not a failure of the migration.
 */
public final class AutoValidation implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AutoValidation.class);
    /** The applier may lag far behind after a long full load: validation waits for it to catch up to its position. */
    private static final Duration CDC_HOLD_TIMEOUT = Duration.ofHours(2);

    private final Thread thread;

    private AutoValidation(Thread thread) {
        this.thread = thread;
    }

    /**
     * After the full load of a full-load task: compares the row counts both COPYs reported for every unit, which needs
     * no second pass over the data; with {@code contentHash}, or when a unit has no recorded source count, compares
     * the tables on a fresh snapshot instead. Prints the report.
     */
    public static void afterFullLoad(Task task, PgConnector source, PgConnector target, ControlSchema control, PrintWriter out) {
        if (!task.settings().validation().enabled()) {
            return;
        }
        try {
            Validator validator = new Validator(task, source, target, control);
            boolean content = task.settings().validation().contentHash();
            Optional<ValidationReport> fromCopy = content ? Optional.empty() : validator.fromCopyCounts();
            if (!content && fromCopy.isEmpty()) {
                log.info("validation: some units were copied without recording the source's row count; counting both sides");
            }
            ValidationReport report = fromCopy.isPresent() ? fromCopy.get()
                    : validator.run(content, ValidationPosition.quiesced());
            out.println();
            new ReportPrinter().printText(report, out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.warn("validation after the full load could not run: {}", e.getMessage());
            log.debug("validation failure", e);
        }
    }

    /**
     * For a task that streams changes after its full load: starts validating in the background (the hold waits for
     * the applier) unless the task has been validated before. Close it when CDC ends.
     */
    public static AutoValidation duringCdc(Task task, PgConnector source, PgConnector target, ControlSchema control) {
        if (!task.settings().validation().enabled() || !task.type().hasFullLoad()) {
            return new AutoValidation(null);
        }
        try (Connection t = target.open("validation")) {
            if (new ValidationStore(control, task.name()).anyCompleted(t)) {
                return new AutoValidation(null);
            }
        } catch (Exception e) {
            log.warn("validation during CDC will not run: {}", e.getMessage());
            return new AutoValidation(null);
        }
        Thread thread = new Thread(() -> {
            try {
                new Validator(task, source, target, control)
                        .run(task.settings().validation().contentHash(), ValidationPosition.hold(CDC_HOLD_TIMEOUT));
            } catch (InterruptedException e) {
                log.warn("the automatic validation did not finish: CDC ended first; run 'godwit validate' later");
            } catch (Exception e) {
                log.warn("validation during CDC could not run: {}", e.getMessage());
                log.debug("validation failure", e);
            }
        }, "auto-validation");
        thread.setDaemon(true);
        thread.start();
        return new AutoValidation(thread);
    }

    /** Ends a validation still in progress (its hold is withdrawn) and waits for it. */
    @Override
    public void close() {
        if (thread == null) {
            return;
        }
        thread.interrupt();
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
