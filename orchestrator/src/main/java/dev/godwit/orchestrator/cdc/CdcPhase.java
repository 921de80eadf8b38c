package dev.godwit.orchestrator.cdc;

import dev.godwit.mappings.task.StopAt;
import dev.godwit.mappings.task.Task;
import dev.godwit.orchestrator.failure.FailureKind;
import dev.godwit.orchestrator.failure.GodwitException;
import dev.godwit.orchestrator.plan.PlannedTable;
import dev.godwit.orchestrator.state.ControlApplyExceptions;
import dev.godwit.orchestrator.state.ControlCheckpoint;
import dev.godwit.orchestrator.state.ControlSchema;
import dev.godwit.orchestrator.state.ControlSourceColumns;
import dev.godwit.orchestrator.state.TaskStore;
import dev.godwit.workers.catalog.CatalogReader;
import dev.godwit.workers.catalog.SourceCatalog;
import dev.godwit.workers.cdc.apply.Applier;
import dev.godwit.workers.cdc.apply.ApplyOptions;
import dev.godwit.workers.cdc.apply.ApplyTarget;
import dev.godwit.workers.cdc.apply.ChangeApplier;
import dev.godwit.workers.cdc.apply.ParallelApplier;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage;
import dev.godwit.workers.cdc.stream.ChangeStream;
import dev.godwit.workers.cdc.stream.ChangeStreamException;
import dev.godwit.workers.cdc.stream.Heartbeat;
import dev.godwit.workers.cdc.stream.SlotInspector;
import dev.godwit.workers.cdc.stream.StreamEvent;
import dev.godwit.workers.cdc.stream.StreamOptions;
import dev.godwit.workers.pg.DurableCommits;
import dev.godwit.workers.pg.Lsn;
import dev.godwit.workers.pg.PgConnector;
import dev.godwit.workers.pg.ReplicaMode;
import dev.godwit.workers.pg.SnapshotSlot;
import dev.godwit.workers.pg.SqlStates;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Streams changes from the task's slot and applies them, each source transaction in one target transaction that also
 * writes the checkpoint; the slot is confirmed only up to what the target has committed. Runs until asked to stop
 * (after the transaction at hand) or until {@code until} says the target has caught up to a position. A lost
 * connection to either server is retried from the checkpoint with backoff, without a person.
 */
public final class CdcPhase {
    private static final Logger log = LoggerFactory.getLogger(CdcPhase.class);
    private static final Duration POLL = Duration.ofMillis(500);
    /** Parallel apply moves its checkpoint between messages: an idle stream is looked at sooner. */
    private static final Duration LANE_POLL = Duration.ofMillis(50);
    private static final Duration REPORT_EVERY = Duration.ofSeconds(10);
    private static final Duration IDLE_RECORD_EVERY = Duration.ofSeconds(2);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final int MAX_CONSECUTIVE_FAILURES = 20;
    private static final String SLOT_IN_USE = "55006";

    private final Task task;
    private final PgConnector source;
    private final PgConnector target;
    private final ControlSchema control;
    private final Function<PgOutputMessage.Relation, Optional<ApplyTarget>> routing;
    private final Lsn startIfNoCheckpoint;
    private final NewPartitions newPartitions;
    /**
     * Whether a table keeps its source partitions: only then is the source catalog read again at each stream start
     * for partitions made meanwhile (a row that finds no partition makes it read in any case).
     */
    private final boolean keepsPartitions;
    /** What {@code godwit reload} may copy again while this phase streams; null: reloads are not taken. */
    private final Reloads.Scope reloadScope;
    /** Whether the stream was running again since the last failure: only failures in a row end the phase. */
    private boolean streamedSinceFailure;
    /** Which apply mode the log last named; said once, not at every reconnect. */
    private Boolean replicaLogged;
    /** How many apply connections the log last named. */
    private Integer lanesLogged;
    private CdcObserver observer = CdcObserver.none();

    public CdcPhase(Task task, PgConnector source, PgConnector target, ControlSchema control,
                    Function<PgOutputMessage.Relation, Optional<ApplyTarget>> routing, Lsn startIfNoCheckpoint) {
        this(task, source, target, control, routing, startIfNoCheckpoint, null, false);
    }

    private CdcPhase(Task task, PgConnector source, PgConnector target, ControlSchema control,
                     Function<PgOutputMessage.Relation, Optional<ApplyTarget>> routing, Lsn startIfNoCheckpoint,
                     Reloads.Scope reloadScope, boolean keepsPartitions) {
        this.reloadScope = reloadScope;
        this.keepsPartitions = keepsPartitions;
        this.task = task;
        this.source = source;
        this.target = target;
        this.control = control;
        this.routing = routing;
        this.startIfNoCheckpoint = startIfNoCheckpoint;
        this.newPartitions = new NewPartitions(task, source, target);
    }

    /**
     * The phase for a task as recorded: its tables' sync positions and the target's catalog are read through
     * {@code control} (a connection to the target), and changes route to the planned tables.
     */
    public static CdcPhase forTask(Task task, PgConnector source, PgConnector target, ControlSchema schema,
                                   List<PlannedTable> tables, Lsn consistentPoint, Connection control) throws SQLException {
        Map<String, Lsn> syncLsns = new HashMap<>();
        for (TaskStore.TableRow r : new TaskStore(schema, task.name()).tables(control)) {
            r.syncLsn().ifPresent(l -> syncLsns.put(r.tableKey(), l));
        }
        SourceCatalog targetCatalog = new CatalogReader(control).readRelations(); // routing looks up tables alone
        SourceColumnRecord.fillMissing(new ControlSourceColumns(schema, task.name()), tables, targetCatalog, control);
        Routing routing = new Routing(tables, targetCatalog, syncLsns);
        boolean keepsPartitions = tables.stream().anyMatch(t -> t.isPartitioned()
                && t.mapping().partitionRule() instanceof dev.godwit.mappings.partition.PartitionRule.Keep);
        return new CdcPhase(task, source, target, schema, routing, consistentPoint,
                new Reloads.Scope(task, source, target, schema, tables, targetCatalog, routing), keepsPartitions);
    }

    /** Tells {@code observer} (the metrics) of each target commit and each reconnect from now on. */
    public void observe(CdcObserver observer) {
        this.observer = observer;
    }

    /** What ended the phase. */
    public enum Outcome { STOPPED, CAUGHT_UP, STOP_POINT }

    /**
     * A transient failure (a lost connection, a restart, a slot still held by a dead walsender) is retried from the
     * checkpoint with exponential backoff; the phase fails after {@value #MAX_CONSECUTIVE_FAILURES} failures in a row.
     * The loop is written out rather than a Resilience4j {@code Retry} (which the full load uses for one unit's copy)
     * because the count must start again whenever the stream ran between two failures: the phase runs for weeks and
     * may meet many restarts, each of them overcome.
     *
     * @param stop     checked between transactions
     * @param catchUp  when present, the phase ends once the checkpoint reaches this LSN (a cutover's final catch-up)
     */
    public Outcome run(BooleanSupplier stop, Optional<Lsn> catchUp) throws Exception {
        return run(stop, catchUp, StopPoint.none());
    }

    /** As {@link #run(BooleanSupplier, Optional)}, ending by itself at the stop point where one is set. */
    public Outcome run(BooleanSupplier stop, Optional<Lsn> catchUp, Supplier<Optional<StopAt>> stopAt) throws Exception {
        return run(stop, catchUp, new StopPoint(stopAt, source));
    }

    private Outcome run(BooleanSupplier stop, Optional<Lsn> catchUp, StopPoint stopPoint) throws Exception {
        int failures = 0;
        while (true) {
            try {
                Outcome outcome = stream(stop, catchUp, stopPoint);
                return outcome;
            } catch (Exception e) {
                if (SqlStates.isMissingPartition(e) && !newPartitions.create().isEmpty()) {
                    continue; // the change that found no partition is applied again from the checkpoint
                }
                if (streamedSinceFailure) {
                    failures = 0; // the failures before that attempt were overcome
                    streamedSinceFailure = false;
                }
                if (!isTransient(e) || ++failures > MAX_CONSECUTIVE_FAILURES) {
                    throw e;
                }
                Duration wait = Duration.ofMillis(Math.min(MAX_BACKOFF.toMillis(), 500L << Math.min(failures, 6)));
                log.warn("cdc: {} — reconnecting from the checkpoint in {} s (attempt {})", rootMessage(e),
                        wait.toSeconds(), failures);
                recordReconnect(rootMessage(e), failures);
                observer.reconnecting();
                Thread.sleep(wait.toMillis());
                if (stop.getAsBoolean()) {
                    return Outcome.STOPPED;
                }
            }
        }
    }

    /**
     * A reconnection as a warning event, for status and the metrics; best effort, since the failure may be the target
     * itself (the log has it either way).
     */
    private void recordReconnect(String cause, int attempt) {
        try (Connection t = target.open("cdc event")) {
            new TaskStore(control, task.name()).event(t, "WARN", "cdc", "reconnecting from the checkpoint (attempt "
                    + attempt + ") after: " + cause);
        } catch (SQLException | RuntimeException e) {
            log.debug("cdc: the reconnection could not be recorded: {}", e.getMessage());
        }
    }

    private Outcome stream(BooleanSupplier stop, Optional<Lsn> catchUp, StopPoint stopPoint) throws Exception {
        try (Connection t = target.open("cdc apply"); Connection control = target.open("cdc control")) {
            boolean replica = ReplicaMode.enable(t);
            if (!Boolean.valueOf(replica).equals(replicaLogged)) {
                replicaLogged = replica;
                if (replica) {
                    log.info("cdc: the apply session runs in replica mode: target triggers, rules and foreign-key"
                            + " actions do not fire on replicated changes");
                } else {
                    log.warn("cdc: role {} may not set session_replication_role on the target: the target tables'"
                            + " triggers and rules stay disabled, and their foreign keys with an action absent, until"
                            + " the cutover (see docs/cdc.md); any added on the target by hand would fire",
                            target.endpoint().user());
                }
            }
            DurableCommits.ensure(control); // idle positions recorded through it are confirmed to the slot
            ControlCheckpoint checkpoint = new ControlCheckpoint(this.control, task.name(), control);
            Lsn start = checkpoint.current();
            if (!start.isValid()) {
                start = startIfNoCheckpoint;
            }
            verifySlot(start);
            alignFailover();
            if (keepsPartitions) {
                newPartitions.create(); // those made while no change was applied (while stopped, say)
            }
            if (catchUp.isPresent() && start.compareTo(catchUp.get()) >= 0) {
                return Outcome.CAUGHT_UP;
            }
            if (stopPoint.reached(start)) {
                log.info("cdc: the checkpoint {} is already at or past the stop point {}", start,
                        stopPoint.current().orElseThrow());
                return Outcome.STOP_POINT;
            }
            ApplyOptions options = ApplyOptions.defaults().withConflicts(task.settings().applyConflicts())
                    .withDdl(task.settings().cdc().ddl()).withSourceColumns(new SourceCatalogColumns(source,
                            new ControlSourceColumns(this.control, task.name()), new TaskStore(this.control, task.name())))
                    .withErrorPolicy(task.settings().errorPolicy());
            StreamOptions streamOptions = StreamOptions.of(task.settings().slotName(), task.settings().publicationName(), start)
                    .withIdleAcknowledgement(true).withProtocolVersion(protocolVersion());
            // only the stream's applier is observed: a reload's side applier (given options) replays what it counted
            try (Applier applier = applier(t, replica, checkpoint, control, options.withObserver(observer));
                 ChangeStream stream = ChangeStream.open(source, streamOptions);
                 Heartbeat heartbeat = Heartbeat.start(source, task.settings().cdc().heartbeatInterval());
                 IndexFollower indexes = reloadScope == null ? null : IndexFollower.start(task, source, target, this.control);
                 Reloads reloads = reloadScope == null ? null : new Reloads(reloadScope, control, options)) {
                log.info("cdc: streaming slot {} from {}", task.settings().slotName(), start);
                streamedSinceFailure = true;
                boolean inTransaction = false;
                Instant lastReport = Instant.now();
                long nextReportNanos = System.nanoTime() + REPORT_EVERY.toNanos(); // read per event: no Instant
                Instant lastIdle = Instant.EPOCH;
                Lsn idleRecorded = Lsn.INVALID;
                long applied = 0;
                long changesAtReport = 0;
                ApplyHold hold = new ApplyHold(this.control, task.name(), control);
                StreamEvent held = null;
                while (true) {
                    Lsn walEnd = stream.serverWalEnd(); // read before the queue is seen empty (see ApplyHold)
                    StreamEvent event = held != null ? held : stream.poll(applier instanceof ParallelApplier ? LANE_POLL : POLL);
                    held = null;
                    if (event == null) {
                        applier.commitPending();
                        confirm(stream, applier);
                        if (!inTransaction) {
                            if (Duration.between(lastIdle, Instant.now()).compareTo(IDLE_RECORD_EVERY) >= 0) {
                                idleRecorded = recordIdle(stream, checkpoint, control).orElse(idleRecorded);
                                lastIdle = Instant.now();
                            }
                            if (stream.queued() == 0 && hold.reachedWhileIdle(walEnd)) {
                                applier.drain();
                                hold.pause(stop);
                            }
                        }
                    } else if (event.message() instanceof PgOutputMessage.Begin begin && stopPoint.after(begin)) {
                        applier.drain();
                        confirm(stream, applier);
                        log.info("cdc: stop point {} reached: applied every transaction committed up to it (the next"
                                + " commits at {}, {})", stopPoint.current().orElseThrow(), begin.finalLsn(),
                                begin.commitTime());
                        return Outcome.STOP_POINT;
                    } else if (event.message() instanceof PgOutputMessage.Begin begin && hold.holds(begin.finalLsn())) {
                        applier.drain();
                        confirm(stream, applier);
                        hold.pause(stop);
                        held = event; // applied once the hold is released
                    } else {
                        // the tables a reload copies again have their changes held back (see Reloads)
                        PgOutputMessage message = reloads == null ? event.message()
                                : reloads.divert(event.walPosition(), event.message());
                        if (message != null) {
                            applier.accept(event.walPosition(), message);
                        }
                        if (event.message() instanceof PgOutputMessage.Begin) {
                            inTransaction = true;
                        } else if (event.message() instanceof PgOutputMessage.Commit) {
                            inTransaction = false;
                            applied++;
                            if (stream.queued() == 0) {
                                applier.commitPending(); // caught up: a group waits for nothing more
                            }
                            confirm(stream, applier);
                        }
                    }
                    if (!inTransaction) {
                        if (reloads != null) {
                            reloads.between(applier, () -> confirm(stream, applier));
                        }
                        // an idle position counts too: every transaction committed below it has been applied
                        Lsn done = Lsn.max(applier.lastCommittedEndLsn(), idleRecorded);
                        if (catchUp.isPresent() && done.isValid() && done.compareTo(catchUp.get()) >= 0
                                && (reloads == null || !reloads.active())) {
                            return Outcome.CAUGHT_UP;
                        }
                        if (event == null && stopPoint.reached(done)) {
                            applier.drain();
                            confirm(stream, applier);
                            log.info("cdc: stop point {} reached: everything committed up to it is applied (at {})",
                                    stopPoint.current().orElseThrow(), done);
                            return Outcome.STOP_POINT;
                        }
                        if (stop.getAsBoolean()) {
                            applier.drain();
                            confirm(stream, applier);
                            log.info("cdc: stopped after applying up to {}", applier.stats().lastCommittedEndLsn());
                            return Outcome.STOPPED;
                        }
                    }
                    if (System.nanoTime() - nextReportNanos >= 0) {
                        nextReportNanos = System.nanoTime() + REPORT_EVERY.toNanos();
                        long changes = applier.stats().changes();
                        report(stream, applier, control, applied, changes - changesAtReport,
                                Duration.between(lastReport, Instant.now()));
                        lastReport = Instant.now();
                        applied = 0;
                        changesAtReport = changes;
                    }
                }
            }
        }
    }

    /**
     * With nothing pending, the stream may move the slot past WAL that holds no change for the target (other
     * databases, unpublished tables, heartbeats). That position goes into the checkpoint first and only then to the
     * slot, so the slot is never confirmed beyond the checkpoint (which a restart verifies).
     */
    private static Optional<Lsn> recordIdle(ChangeStream stream, ControlCheckpoint checkpoint, Connection control)
            throws SQLException {
        Optional<Lsn> idle = stream.idlePosition();
        if (idle.isPresent()) {
            checkpoint.advanceIdle(control, idle.get());
            stream.acknowledgeIdle(idle.get());
        }
        return idle;
    }

    /**
     * The applier for this stream: on {@code cdc.applyParallelism} connections when that is more than one and every
     * one of them runs in replica mode (foreign keys unchecked, so rows may land in another order than the source's);
     * else on {@code t} alone, in source order.
     */
    private Applier applier(Connection t, boolean replica, ControlCheckpoint checkpoint, Connection control,
                            ApplyOptions options) throws SQLException {
        ControlApplyExceptions exceptions = new ControlApplyExceptions(this.control, task.name());
        int lanes = task.settings().cdc().applyParallelism();
        if (lanes > 1 && replica) {
            List<Connection> connections = new java.util.ArrayList<>(List.of(t));
            try {
                for (int i = 1; i < lanes; i++) {
                    Connection lane = target.open("cdc apply " + i);
                    connections.add(lane);
                    if (!ReplicaMode.enable(lane)) {
                        throw new SQLException("replica mode refused on a second connection", "42501");
                    }
                }
            } catch (SQLException e) {
                for (Connection c : connections.subList(1, connections.size())) {
                    c.close();
                }
                log.warn("cdc: applying on one connection: {}", e.getMessage());
                return new ChangeApplier(t, routing, checkpoint, options, exceptions);
            }
            if (!Integer.valueOf(lanes).equals(lanesLogged)) {
                lanesLogged = lanes;
                log.info("cdc: applying on {} target connections; transactions that touch the same rows commit in"
                        + " source order", lanes);
            }
            return new ParallelApplier(connections, routing, checkpoint, control, options, exceptions);
        }
        if (lanes > 1 && !Integer.valueOf(1).equals(lanesLogged)) {
            lanesLogged = 1;
            log.info("cdc: applying on one connection: parallel apply needs replica mode on the target");
        }
        return new ChangeApplier(t, routing, checkpoint, options, exceptions);
    }

    /**
     * pgoutput protocol 2 with {@code streaming 'on'} when {@code cdc.streamInProgress} asks for it (the stream falls
     * back to 1 on a source older than PostgreSQL 14, with a warning): large transactions then arrive while they run
     * and wait in spill files until they commit (see docs/cdc.md, "Memory and time"). Else protocol 1: each
     * transaction arrives after its commit.
     */
    private int protocolVersion() {
        return task.settings().cdc().streamInProgress() ? 2 : 1;
    }

    private static void confirm(ChangeStream stream, Applier applier) {
        Lsn done = applier.lastCommittedEndLsn();
        if (done.isValid()) {
            stream.confirm(done);
        }
    }

    /**
     * A slot created before the task asked for {@code settings.slot.failover} (or after it stopped asking) is altered
     * to match before it streams: otherwise the standbys never get a copy, and the task's failover promise is empty.
     */
    private void alignFailover() throws SQLException {
        boolean wanted = task.settings().slot().failover();
        try (Connection s = source.open("slot check")) {
            Optional<Boolean> failover = SlotInspector.failover(s, task.settings().slotName());
            if (failover.isEmpty() || failover.get() == wanted) {
                return; // absent, older than PostgreSQL 17 (preflight says so when failover is asked), or as asked
            }
        }
        SnapshotSlot.setFailover(source, task.settings().slotName(), wanted);
        log.info("cdc: slot {} {} a failover slot, as settings.slot.failover says", task.settings().slotName(),
                wanted ? "made" : "no longer");
    }

    /**
     * The slot must still hold every change after the checkpoint: a slot whose confirmed position is past the
     * checkpoint has let changes go that the target never got; going on would lose them silently.
     */
    private void verifySlot(Lsn start) throws SQLException {
        try (Connection s = source.open("slot check")) {
            SlotInspector.SlotState slot = SlotInspector.slot(s, task.settings().slotName()).orElse(SlotInspector.SlotState.absent());
            if (!slot.exists()) {
                throw new GodwitException(FailureKind.SLOT_LOST, "replication slot " + task.settings().slotName()
                        + " does not exist on the source: the changes since " + start + " cannot be streamed. The target "
                        + "must be loaded again (godwit cleanup --all, then godwit start).");
            }
            if (slot.isLost()) {
                throw new GodwitException(FailureKind.SLOT_LOST, "replication slot " + task.settings().slotName()
                        + " was invalidated by the source (wal_status lost, max_slot_wal_keep_size exceeded): changes "
                        + "after " + start + " are gone. The target must be loaded again.");
            }
            if (start.isValid() && slot.confirmedFlushLsn().compareTo(start) > 0) {
                throw new GodwitException(FailureKind.FAILED, "replication slot " + task.settings().slotName()
                        + " is confirmed up to " + slot.confirmedFlushLsn() + " but the target has applied only up to "
                        + start + ": the changes in between are gone from the slot. Refusing to continue; the target "
                        + "must be loaded again.");
            }
        }
    }

    private void report(ChangeStream stream, Applier applier, Connection control, long transactions, long changes,
                        Duration over) throws SQLException {
        Lsn applied = applier.stats().lastCommittedEndLsn();
        Optional<Instant> commit = applier.stats().lastCommitTime();
        double seconds = Math.max(0.001, over.toMillis() / 1000.0);
        // the lag in seconds is the age of the last applied source commit: exact whenever the source is busy
        log.info("cdc: applied up to {}{}, received up to {}, {} transactions/s, {} changes/s",
                applied, commit.map(c -> " (source commit " + c + ", " + Duration.between(c, Instant.now()).toSeconds() + " s ago)").orElse(""),
                stream.lastReceived(), String.format(java.util.Locale.ROOT, "%.1f", transactions / seconds),
                String.format(java.util.Locale.ROOT, "%.1f", changes / seconds));
        if (applier instanceof ParallelApplier parallel) {
            log.info("cdc: parallel apply: {}", parallel.describe());
        }
        try (PreparedStatement ps = control.prepareStatement("INSERT INTO " + this.control.table("cdc_progress")
                + " (task, applied_lsn, received_lsn, transactions_per_second, changes_per_second, updated_at)"
                + " VALUES (?, ?::pg_lsn, ?::pg_lsn, ?, ?, now()) ON CONFLICT (task) DO UPDATE SET"
                + " applied_lsn = excluded.applied_lsn, received_lsn = excluded.received_lsn,"
                + " transactions_per_second = excluded.transactions_per_second,"
                + " changes_per_second = excluded.changes_per_second, updated_at = now()")) {
            ps.setString(1, task.name());
            ps.setString(2, applied.isValid() ? applied.toString() : null);
            ps.setString(3, stream.lastReceived().isValid() ? stream.lastReceived().toString() : null);
            ps.setDouble(4, transactions / seconds);
            ps.setDouble(5, changes / seconds);
            ps.executeUpdate();
        }
    }

    private static boolean isTransient(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ChangeStreamException cse && cse.isTransient()) {
                return true;
            }
            // the slot is still held by the walsender of a connection that died (a crash, a restart of this side):
            // the source ends it within wal_sender_timeout, or at once when it notices the closed socket
            if (t instanceof SQLException se && SLOT_IN_USE.equals(se.getSQLState())) {
                return true;
            }
        }
        return SqlStates.isTransient(e);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
