package dev.godwit.orchestrator.cutover;

import dev.godwit.mappings.task.CutoverSettings;
import dev.godwit.mappings.task.Task;
import dev.godwit.orchestrator.state.ControlCheckpoint;
import dev.godwit.orchestrator.cdc.ReplicationObjects;
import dev.godwit.orchestrator.state.ControlSchema;
import dev.godwit.orchestrator.state.Phase;
import dev.godwit.orchestrator.state.TableState;
import dev.godwit.orchestrator.state.TaskStore;
import dev.godwit.workers.cdc.stream.SlotInspector;
import dev.godwit.workers.pg.Lsn;
import dev.godwit.workers.pg.PgConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Ends a migration, in steps that are each logged and recorded: (1) the target must catch up to the source's current
 * position within {@code cutover.maxLag}, which is the lag check; (2) optionally the source is fenced; (3) the source's
 * position after the fence is the final one, and the target catches up to it, and what CDC cannot carry (unlogged
 * tables, large objects) is copied again; (4) row counts are validated; (5) the
 * target is handed over (sequences set from the source, identity columns ALWAYS again); (6) the slot and publication
 * are dropped (unless kept), and the task is cut over. Nothing irreversible happens before step 4 has passed the
 * checks: when a step fails, the fence is lifted and the task goes on streaming changes as before, and the report
 * says why.
 */
public final class Cutover {
    private static final Logger log = LoggerFactory.getLogger(Cutover.class);

    /** Runs the applier until the target has applied everything below {@code position}; false when time ran out. */
    public interface CatchUp {
        boolean to(Lsn position, Duration limit) throws Exception;
    }

    /**
     * What the target needs before the application moves to it, once it holds everything and passed validation:
     * sequences set from the source, identity columns made ALWAYS again. Runs in one target transaction.
     */
    public interface Handover {
        Result run(Connection source, Connection target) throws SQLException;

        /** @param lines what was done, for the report */
        record Result(int sequencesSet, List<String> lines) {
        }
    }

    /**
     * Copies again what CDC cannot carry (unlogged tables, large objects), once the target applied the source's last
     * change and before the comparison.
     *
     * @return what was copied, for the report
     */
    public interface Recopy {
        List<String> run(Connection source, Connection target) throws SQLException;
    }

    /**
     * The way back, for a cutover with fallback: what it needs is checked before anything is done, and once the
     * target has applied the source's final position and been handed over (the target is still quiet) the reverse
     * stream's slot, publication and origin are created.
     */
    public interface WayBack {
        /** What is missing for a fallback, each with how to fix it; empty when nothing is. */
        List<String> problems(Connection source, Connection target) throws SQLException;

        /** Creates what the reverse stream runs on; returns lines for the report. */
        List<String> create(Connection source, Connection target) throws SQLException;

        /** Drops what {@link #create} made, after a failure later in the cutover; returns lines for the report. */
        List<String> undo(Connection source, Connection target) throws SQLException;
    }

    /** Compares both sides once they are still; a difference stops the cutover. */
    public interface FinalValidation {
        Result run() throws Exception;

        record Result(boolean equal, long rows, String summary) {
        }
    }

    private final Task task;
    private final PgConnector source;
    private final PgConnector target;
    private final ControlSchema control;
    private final TaskStore store;
    private final CutoverLedger ledger;
    private final CutoverSettings settings;
    private final boolean streamsOnAfterFailure;

    /**
     * @param streamsOnAfterFailure whether the process keeps streaming changes when this cutover is not done (false
     *                              for a 'godwit cutover' that runs the task only for the cutover)
     */
    public Cutover(Task task, PgConnector source, PgConnector target, ControlSchema control, TaskStore store,
                   boolean streamsOnAfterFailure) {
        this.streamsOnAfterFailure = streamsOnAfterFailure;
        this.task = task;
        this.source = source;
        this.target = target;
        this.control = control;
        this.store = store;
        this.ledger = new CutoverLedger(control, task.name());
        this.settings = task.settings().cutover();
    }

    /**
     * @param wayBack the reverse stream's set-up, used when the request or {@code cutover.withFallback} asks for a
     *                fallback
     */
    public CutoverReport run(CutoverRequest request, CatchUp catchUp, Recopy recopy, Handover handover,
                             FinalValidation validation, WayBack wayBack) throws SQLException {
        Progress progress = new Progress(target, store);
        boolean withFallback = request.withFallback() || settings.withFallback();
        try (Connection t = target.open("cutover")) {
            ledger.started(t, request.id());
            store.event(t, "INFO", "cutover", "started (" + request.requestedBy() + (request.fence() ? ", fenced" : "")
                    + (withFallback ? ", with fallback" : "") + ")");
        }
        Fence fence = new Fence(settings);
        boolean wayBackMade = false;
        try {
            if (withFallback) {
                List<String> missing;
                try (Connection s = source.open("cutover fallback check"); Connection t = target.open("cutover fallback check")) {
                    missing = wayBack.problems(s, t);
                }
                if (!missing.isEmpty()) {
                    return finish(request, progress, false, "a fallback cannot be set up: " + String.join("; ", missing)
                            + ". Nothing was changed" + (streamsOnAfterFailure ? "; CDC goes on" : ""));
                }
                progress.add("fallback: the target and the source have what the reverse stream needs");
            }
            Lsn now = sourcePosition();
            progress.lagAtStart = now.bytesSince(checkpoint());
            progress.add("lag: " + progress.lagAtStart + " bytes of WAL to apply; catching up within " + seconds(settings.maxLag()));
            if (!catchUp.to(now, settings.maxLag())) {
                return finish(request, progress, false,
                        "the target did not catch up with the source within cutover.maxLag (" + seconds(settings.maxLag())
                                + "): the apply lag is too high. Nothing was changed" + (streamsOnAfterFailure
                                ? "; CDC goes on" : "") + ". Try again when 'godwit status' shows a small lag, or raise"
                                + " cutover.maxLag");
            }
            if (request.fence()) {
                try (Connection s = source.open("cutover fence")) {
                    progress.add(fence.apply(s));
                    progress.fenced = true;
                }
                try (Connection t = target.open("cutover")) {
                    ledger.fenced(t, request.id());
                }
            } else {
                progress.add("fence: none (writes to the source after the final position are not migrated: stop the "
                        + "application first, or use --fence)");
            }
            Lsn last = sourcePosition();
            progress.finalLsn = Optional.of(last);
            progress.lagAtFence = last.bytesSince(checkpoint());
            progress.add("final position " + last + ": " + progress.lagAtFence + " bytes of WAL to apply");
            Instant started = Instant.now();
            boolean caughtUp = catchUp.to(last, settings.catchUpTimeout());
            progress.catchUp = Duration.between(started, Instant.now());
            if (!caughtUp) {
                return failAndLift(request, progress, fence,
                        "the target did not reach " + last + " within cutover.catchUpTimeout ("
                                + seconds(settings.catchUpTimeout()) + ")");
            }
            progress.add("caught up to " + last + " in " + progress.catchUp.toMillis() + " ms");
            List<String> reloading = reloading();
            if (!reloading.isEmpty()) {
                return failAndLift(request, progress, fence, "a reload of " + String.join(", ", reloading) + " has not"
                        + " finished (a run ended during it): 'godwit resume' finishes it; cut over once 'godwit status'"
                        + " shows the tables ready");
            }
            try (Connection s = source.open("cutover copy"); Connection t = target.open("cutover copy")) {
                List<String> copied = recopy.run(s, t);
                copied.forEach(progress::add);
                if (!copied.isEmpty() && !request.fence()) {
                    progress.add("warning: without a fence, what the application writes to these tables from now on "
                            + "is not migrated");
                }
            }
            if (settings.validate()) {
                FinalValidation.Result result = validation.run();
                progress.add("validation: " + result.summary());
                if (!result.equal() && request.acceptDifferences()) {
                    progress.add("validation: the differences above are ACCEPTED (--accept-differences): the target"
                            + " goes into service with them");
                } else if (!result.equal()) {
                    return failAndLift(request, progress, fence,
                            "validation found differences between source and target: " + result.summary()
                                    + "; see 'godwit validate' for details. To cut over with them all the same:"
                                    + " 'godwit cutover " + task.file() + " --accept-differences'");
                }
                progress.rowsValidated = Optional.of(result.rows());
            } else {
                progress.add("validation: off (cutover.validate: false)");
            }
            try (Connection s = source.open("cutover handover"); Connection t = target.open("cutover handover")) {
                t.setAutoCommit(false);
                Handover.Result done = handover.run(s, t);
                t.commit();
                progress.sequencesSet = done.sequencesSet();
                done.lines().forEach(progress::add);
            }
            if (withFallback) {
                // the target applied the final position and nothing has written to it since: the slot starts there
                try (Connection s = Fence.writable(source.open("cutover fallback")); Connection t = target.open("cutover fallback")) {
                    wayBackMade = true;
                    wayBack.create(s, t).forEach(progress::add);
                }
            }
            try (Connection s = Fence.writable(source.open("cutover"))) {
                if (settings.keepReplication()) {
                    progress.add("source: slot " + task.settings().slotName() + " and publication "
                            + task.settings().publicationName() + " kept (cutover.keepReplication)");
                } else {
                    waitUntilSlotReleased(s);
                    ReplicationObjects.drop(s, task.settings().slotName(), task.settings().publicationName())
                            .forEach(progress::add);
                }
                if (progress.fenced && settings.fenceSql().isEmpty()) {
                    progress.add("source: left read-only; to accept writes again: " + Fence.undoHint(s));
                }
            }
            try (Connection t = target.open("cutover")) {
                store.setPhase(t, Phase.CUT_OVER);
            }
            return finish(request, progress, true, null);
        } catch (Exception e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            log.debug("cutover failed", e);
            if (wayBackMade) {
                try (Connection s = Fence.writable(source.open("cutover fallback")); Connection t = target.open("cutover fallback")) {
                    wayBack.undo(s, t).forEach(progress::add);
                } catch (SQLException | RuntimeException undo) {
                    progress.add("fallback: what was set up for it could not be dropped (" + undo.getMessage()
                            + "): drop the slot and publication on the target and the origin on the source by hand");
                }
            }
            return failAndLift(request, progress, fence, why);
        }
    }

    private CutoverReport failAndLift(CutoverRequest request, Progress progress, Fence fence, String why) throws SQLException {
        if (progress.fenced) {
            try (Connection s = source.open("cutover unfence")) {
                progress.add(fence.lift(s));
            } catch (SQLException e) {
                progress.add("fence: could not be lifted (" + e.getMessage() + "): lift it by hand");
            }
        }
        return finish(request, progress, false, why + ". The slot and publication are kept; " + (streamsOnAfterFailure
                ? "CDC goes on" : "no process streams changes now: 'godwit resume " + task.file() + "' continues CDC"));
    }

    /** A failed cutover reports no sequences set and no rows validated: its figures are those of an attempt. */
    private CutoverReport finish(CutoverRequest request, Progress progress, boolean done, String failure) throws SQLException {
        if (failure != null) {
            log.error("cutover: not done: {}", failure);
        }
        CutoverReport report = new CutoverReport(done, progress.lagAtStart, progress.lagAtFence, progress.finalLsn, progress.catchUp,
                done ? progress.sequencesSet : 0, done ? progress.rowsValidated : Optional.empty(), Optional.ofNullable(failure));
        try (Connection t = target.open("cutover")) {
            ledger.finished(t, request.id(), report);
            store.event(t, done ? "INFO" : "ERROR", "cutover", done ? "done at " + progress.finalLsn.map(Object::toString).orElse("?")
                    : "not done: " + failure);
        }
        return report;
    }

    /** The catch-up's stream may still be closing: a slot is dropped only once no walsender holds it. */
    private void waitUntilSlotReleased(Connection s) throws SQLException, InterruptedException {
        Instant deadline = Instant.now().plusSeconds(30);
        while (SlotInspector.slot(s, task.settings().slotName()).map(SlotInspector.SlotState::active).orElse(false)
                && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
    }

    private List<String> reloading() throws SQLException {
        try (Connection t = target.open("cutover")) {
            return store.tables(t).stream().filter(r -> r.state() == TableState.RELOADING)
                    .map(TaskStore.TableRow::tableKey).toList();
        }
    }

    private Lsn sourcePosition() throws SQLException {
        try (Connection s = source.open("cutover position")) {
            return SlotInspector.currentWalLsn(s);
        }
    }

    private Lsn checkpoint() throws SQLException {
        try (Connection t = target.open("cutover position")) {
            return ControlCheckpoint.read(t, control, task.name()).map(ControlCheckpoint.State::lsn).orElse(Lsn.INVALID);
        }
    }

    private static String seconds(Duration d) {
        return d.toSeconds() + " s";
    }

    /**
     * How far the cutover got: the report's figures; and its steps, logged and recorded as events as they happen (a
     * waiting 'godwit cutover' shows them).
     */
    private static final class Progress {
        private boolean fenced;
        private long lagAtStart;
        private long lagAtFence;
        private Optional<Lsn> finalLsn = Optional.empty();
        private Duration catchUp = Duration.ZERO;
        private int sequencesSet;
        private Optional<Long> rowsValidated = Optional.empty();
        private final PgConnector target;
        private final TaskStore store;

        Progress(PgConnector target, TaskStore store) {
            this.target = target;
            this.store = store;
        }

        void add(String line) {
            log.info("cutover: {}", line);
            try (Connection t = target.open("cutover")) {
                store.event(t, "INFO", "cutover", line);
            } catch (SQLException | RuntimeException e) {
                log.debug("could not record the cutover step", e);
            }
        }
    }
}
