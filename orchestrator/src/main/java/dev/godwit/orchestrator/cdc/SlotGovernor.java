package dev.godwit.orchestrator.cdc;

import dev.godwit.mappings.task.SlotSettings;
import dev.godwit.mappings.task.Task;
import dev.godwit.orchestrator.failure.FailureKind;
import dev.godwit.orchestrator.failure.GodwitException;
import dev.godwit.orchestrator.state.Phase;
import dev.godwit.orchestrator.state.TaskStore;
import dev.godwit.workers.cdc.stream.SlotInspector;
import dev.godwit.workers.pg.KeptConnection;
import dev.godwit.workers.pg.PgConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Watches the WAL the task's slot holds back on the source while a run goes on (full load and CDC alike), on its own
 * thread, so that neither a slot that grows towards the source's disk limit nor one the server invalidated goes
 * unseen while the stream stalls or waits to reconnect. Each change of verdict is an event of step {@value #STEP} and
 * a log line; over the budget it follows {@code settings.slot.onBudget}. A lost slot, and the {@code stop} policy,
 * end the run with {@link FailureKind#SLOT_LOST}: the run is asked to stop, and the run throws {@link #failure()}
 * once it has; the {@code stop} policy drops the slot when the governor is closed, after the stream let it go.
 */
public final class SlotGovernor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SlotGovernor.class);
    public static final String STEP = "slot";
    static final Duration POLL = Duration.ofSeconds(2);
    private static final Duration RELEASE_WAIT = Duration.ofSeconds(60);

    private final Task task;
    private final PgConnector source;
    private final PgConnector target;
    private final KeptConnection onSource;
    private final KeptConnection onTarget;
    private final TaskStore store;
    private final Consumer<String> stopRun;
    private PeriodicLook poller;
    private final AtomicReference<GodwitException> failure = new AtomicReference<>();
    private volatile SlotVerdict.Level last = SlotVerdict.Level.HEALTHY;
    private volatile boolean loadPaused;
    private volatile boolean dropOnClose;
    /** A slot seen missing once: a cutover drops it just before it records its phase, so it is read once more. */
    private boolean missingOnce;
    private volatile boolean done;

    private SlotGovernor(Task task, PgConnector source, PgConnector target, TaskStore store, Consumer<String> stopRun) {
        this.task = task;
        this.source = source;
        this.target = target;
        this.onSource = new KeptConnection(source, "slot governor");
        this.onTarget = new KeptConnection(target, "slot governor");
        this.store = store;
        this.stopRun = stopRun;
    }

    /**
     * Starts watching a CDC task's slot: the first reading is taken here, before the run streams or copies anything,
     * then one every {@link #POLL}. A task without CDC has no slot to watch.
     *
     * @param stopRun asks the run to stop, with the reason
     */
    public static SlotGovernor watch(Task task, PgConnector source, PgConnector target, TaskStore store,
                                     Consumer<String> stopRun) {
        SlotGovernor governor = new SlotGovernor(task, source, target, store, stopRun);
        if (task.type().hasCdc()) {
            governor.check();
            governor.poller = PeriodicLook.start("slot-governor", POLL, POLL, governor::check);
        }
        return governor;
    }

    /** Whether the full load is to take no new unit now ({@code onBudget: pause-load}, over the budget). */
    public boolean loadPaused() {
        return loadPaused;
    }

    /** Why the governor ended the run, once it has. */
    public Optional<GodwitException> failure() {
        return Optional.ofNullable(failure.get());
    }

    /** The governor's failure over another one it caused (a stream that broke on the lost slot, say). */
    public Exception failureOr(Exception e) {
        GodwitException f = failure.get();
        if (f == null || f == e) {
            return e;
        }
        f.addSuppressed(e);
        return f;
    }

    private synchronized void check() {
        if (done) {
            return;
        }
        try {
            Optional<TaskStore.TaskRow> row = onTarget.use(store::find);
            if (row.isEmpty() || row.get().consistentPoint().isEmpty()) {
                return; // the slot is not made yet
            }
            if (row.get().phase() == Phase.CUT_OVER || row.get().phase() == Phase.DONE
                    || row.get().phase() == Phase.FALLEN_BACK) {
                done = true; // the cutover dropped the slot, or keeps it on purpose (cutover.keepReplication)
                return;
            }
            String slotName = task.settings().slotName();
            Optional<SlotInspector.SlotState> slot = onSource.use(s -> SlotInspector.slot(s, slotName));
            OptionalLong maxKeep = onSource.use(SlotInspector::maxSlotWalKeepSize);
            if (slot.isEmpty() && !missingOnce) {
                missingOnce = true;
                return;
            }
            missingOnce = false;
            act(SlotVerdict.of(slotName, slot, maxKeep, task.settings().slot()));
        } catch (SQLException | RuntimeException e) {
            log.debug("slot governor: could not read the slot this time", e);
        }
    }

    private void act(SlotVerdict verdict) throws SQLException {
        SlotVerdict.Level before = last;
        last = verdict.level();
        if (verdict.level() == before && verdict.level() != SlotVerdict.Level.LOST) {
            return;
        }
        switch (verdict.level()) {
            case HEALTHY -> {
                loadPaused = false;
                record("INFO", verdict.why() + ": under the warning thresholds again"
                        + (before == SlotVerdict.Level.OVER_BUDGET ? ", within the budget" : ""));
            }
            case WARNING -> {
                loadPaused = false;
                record("WARN", verdict.why());
            }
            case OVER_BUDGET -> {
                record("WARN", verdict.why());
                overBudget(verdict);
            }
            case LOST -> end(verdict.why() + ": the changes since the target's checkpoint cannot be streamed. "
                    + restartAdvice(), false);
        }
    }

    private void overBudget(SlotVerdict verdict) throws SQLException {
        SlotSettings.OnBudget policy = task.settings().slot().onBudget();
        switch (policy) {
            case WARN -> log.warn("slot governor: onBudget warn: the task goes on");
            case PAUSE_LOAD -> {
                loadPaused = true;
                record("WARN", "the full load takes no new unit until the slot retains less than the budget again"
                        + " (onBudget pause-load); the units in progress finish");
            }
            case STOP -> end(verdict.why() + ": the run stops and drops the slot, so that the source keeps no more WAL"
                    + " for it. " + restartAdvice(), true);
        }
    }

    /** Records the error once, asks the run to stop, and keeps the failure the run ends with. */
    private void end(String message, boolean dropSlot) throws SQLException {
        if (failure.compareAndSet(null, new GodwitException(FailureKind.SLOT_LOST, message))) {
            done = true;
            dropOnClose = dropSlot;
            record("ERROR", message);
            stopRun.accept("slot governor: " + (dropSlot ? "over the WAL budget" : "slot lost"));
        }
    }

    private String restartAdvice() {
        return "The target must be loaded again: godwit cleanup --all " + task.file() + ", then godwit start "
                + task.file();
    }

    private void record(String level, String message) throws SQLException {
        switch (level) {
            case "ERROR" -> log.error("slot governor: {}", message);
            case "WARN" -> log.warn("slot governor: {}", message);
            default -> log.info("slot governor: {}", message);
        }
        onTarget.use(t -> {
            store.event(t, level, STEP, message);
            return null;
        });
    }

    /** Stops watching; with the {@code stop} policy, drops the slot once no walsender holds it. */
    @Override
    public void close() {
        boolean idle = poller == null || poller.stop(Duration.ofSeconds(10));
        if (dropOnClose) {
            dropSlot();
        }
        if (idle) {
            onTarget.close(); // else a look still waits on them: they go with the process
            onSource.close();
        }
    }

    private void dropSlot() {
        String slotName = task.settings().slotName();
        try (Connection s = source.open("slot governor")) {
            Instant deadline = Instant.now().plus(RELEASE_WAIT);
            while (SlotInspector.slot(s, slotName).map(SlotInspector.SlotState::active).orElse(false)
                    && Instant.now().isBefore(deadline)) {
                Thread.sleep(100); // the stream of the run that just stopped is closing
            }
            String what = ReplicationObjects.dropSlot(s, slotName);
            record("INFO", what + " (settings.slot.onBudget stop)");
        } catch (Exception e) {
            log.error("slot governor: could not drop replication slot {}: {}; drop it by hand on the source:"
                    + " SELECT pg_drop_replication_slot('{}')", slotName, e.getMessage(), slotName);
            try (Connection t = target.open("slot governor")) {
                store.event(t, "ERROR", STEP, "could not drop replication slot " + slotName + " (" + e.getMessage()
                        + "); it still retains WAL on the source: drop it by hand there with SELECT"
                        + " pg_drop_replication_slot('" + slotName + "')");
            } catch (SQLException | RuntimeException again) {
                log.debug("could not record that the slot was not dropped", again);
            }
        }
    }
}
