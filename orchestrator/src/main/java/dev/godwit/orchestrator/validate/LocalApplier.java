package dev.godwit.orchestrator.validate;

import dev.godwit.mappings.task.Task;
import dev.godwit.orchestrator.cdc.CdcPhase;
import dev.godwit.orchestrator.failure.FailureKind;
import dev.godwit.orchestrator.failure.GodwitException;
import dev.godwit.orchestrator.plan.PlannedTable;
import dev.godwit.orchestrator.plan.Planner;
import dev.godwit.orchestrator.state.ControlSchema;
import dev.godwit.orchestrator.state.Owners;
import dev.godwit.orchestrator.state.TaskStore;
import dev.godwit.workers.pg.Lsn;
import dev.godwit.workers.pg.PgConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * When no process runs a task that streams changes, its target sits at the checkpoint, a position the source can no
 * longer be read at. {@code validate} then claims the task the way {@code resume} does and applies changes in this
 * process, so that the applier can pause at the validation's snapshot; on close the applier stops after the
 * transaction at hand and the task is released, exactly where a {@code resume} continues.
 */
final class LocalApplier implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalApplier.class);

    private final TaskStore store;
    private final PgConnector target;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final Thread thread;
    private final ScheduledExecutorService mark = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "validation-owner-mark");
        t.setDaemon(true);
        return t;
    });

    private LocalApplier(TaskStore store, PgConnector target, CdcPhase phase) {
        this.store = store;
        this.target = target;
        this.thread = new Thread(() -> apply(phase), "validation-applier");
        this.thread.setDaemon(true);
    }

    /** Claims the task (refusing when another process runs it) and starts applying its changes. */
    static LocalApplier start(Task task, PgConnector source, PgConnector target, ControlSchema control) throws SQLException {
        TaskStore store = new TaskStore(control, task.name());
        List<PlannedTable> tables;
        try (Connection s = source.open("validation plan")) {
            tables = Planner.forSource(task, s).tables();
        }
        CdcPhase phase;
        try (Connection t = target.open("validation control")) {
            t.setAutoCommit(false);
            try (var lock = t.prepareStatement("SELECT 1 FROM " + control.table("task") + " WHERE name = ? FOR UPDATE")) {
                lock.setString(1, task.name());
                lock.executeQuery().close();
            }
            TaskStore.TaskRow row = store.find(t).orElseThrow();
            if (Owners.runsElsewhere(row)) {
                t.rollback();
                throw new GodwitException(FailureKind.FAILED, "task '" + task.name() + "' started running in process "
                        + row.owner() + " meanwhile; run validate again");
            }
            store.setOwner(t, Owners.self());
            t.commit();
            t.setAutoCommit(true);
            Lsn consistentPoint = row.consistentPoint().orElseThrow(() -> new GodwitException(FailureKind.FAILED,
                    "task '" + task.name() + "' has no recorded slot position"));
            phase = CdcPhase.forTask(task, source, target, control, tables, consistentPoint, t);
        }
        LocalApplier applier = new LocalApplier(store, target, phase);
        log.info("validation: no process runs task {}; applying its changes here while validating", task.name());
        applier.mark.scheduleWithFixedDelay(applier::refreshMark, 2, 2, TimeUnit.SECONDS);
        applier.thread.start();
        return applier;
    }

    private void apply(CdcPhase phase) {
        try {
            phase.run(stop::get, Optional.empty());
        } catch (Exception e) {
            failure.set(e);
        }
    }

    /** The mark says the task runs here only while changes are applied here: a failed applier lets the wait end. */
    private void refreshMark() {
        if (!thread.isAlive()) {
            return;
        }
        try (Connection c = target.open("validation control")) {
            store.setOwner(c, Owners.self());
        } catch (Exception e) {
            log.debug("could not refresh the task's owner mark", e);
        }
    }

    /** What made the applier fail, if it did. */
    Optional<Exception> failure() {
        return Optional.ofNullable(failure.get());
    }

    /** Stops applying after the transaction at hand and releases the task; rethrows what made the applier fail. */
    @Override
    public void close() throws Exception {
        stop.set(true);
        thread.join(60_000);
        mark.shutdownNow();
        try (Connection c = target.open("validation control")) {
            store.release(c);
        }
        Exception failed = failure.get();
        if (failed != null) {
            throw failed;
        }
    }
}
