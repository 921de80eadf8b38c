package dev.godwit.orchestrator.run;

import dev.godwit.mappings.task.MigrationType;
import dev.godwit.orchestrator.plan.MigrationStep;
import dev.godwit.orchestrator.state.ControlSchema;
import dev.godwit.orchestrator.state.TaskStore;
import dev.godwit.workers.pg.PgConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs the steps of a migration in order: numbers each as {@link MigrationStep#of} does for the task's type, logs
 * it ({@code STEP 5/7 full load}), records it as an event once the task is recorded, and logs a step that does not
 * apply to this run with the reason (done by an earlier run, say). A step that ends the run early (a stop) ends the
 * loop.
 */
final class StepLoop {
    private static final Logger log = LoggerFactory.getLogger(StepLoop.class);

    /** What a step does; false ends the run after it (a stop was asked for). */
    @FunctionalInterface
    interface Action {
        boolean run() throws Exception;
    }

    /**
     * One step of this run.
     *
     * @param skipped why the step does not apply to this run, when it does not
     */
    record Step(Action action, Optional<String> skipped) {
        static Step run(Action action) {
            return new Step(action, Optional.empty());
        }

        static Step when(boolean applies, String otherwise, Action action) {
            return new Step(action, applies ? Optional.empty() : Optional.of(otherwise));
        }
    }

    private final MigrationType type;
    private final PgConnector target;
    private final ControlSchema control;
    private final TaskStore store;

    StepLoop(MigrationType type, PgConnector target, ControlSchema control, TaskStore store) {
        this.type = type;
        this.target = target;
        this.control = control;
        this.store = store;
    }

    /** @return false when a step ended the run early */
    boolean run(Map<MigrationStep, Step> steps) throws Exception {
        List<MigrationStep> order = MigrationStep.of(type);
        for (int i = 0; i < order.size(); i++) {
            MigrationStep name = order.get(i);
            Step step = steps.get(name);
            String number = "STEP " + (i + 1) + "/" + order.size() + " " + name.label();
            if (step == null || step.skipped().isPresent()) {
                log.info("{}: {}", number, step == null ? "not part of this run" : step.skipped().get());
                continue;
            }
            log.info(number);
            record(number);
            if (!step.action().run()) {
                return false;
            }
        }
        return true;
    }

    /** An event for the step, once the task is recorded (the first steps of a start come before). */
    private void record(String number) throws SQLException {
        try (Connection t = target.open("control")) {
            if (control.exists(t) && store.find(t).isPresent()) {
                store.event(t, "INFO", "step", number);
            }
        }
    }
}
