package dev.godwit.orchestrator.fallback;

import dev.godwit.mappings.task.Task;
import dev.godwit.orchestrator.cutover.Fence;
import dev.godwit.orchestrator.failure.FailureKind;
import dev.godwit.orchestrator.failure.GodwitException;
import dev.godwit.orchestrator.state.ControlSchema;
import dev.godwit.orchestrator.plan.PlannedTable;
import dev.godwit.workers.cdc.apply.ApplyOptions;
import dev.godwit.workers.cdc.apply.ChangeApplier;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage;
import dev.godwit.workers.cdc.stream.ChangeStream;
import dev.godwit.workers.cdc.stream.ChangeStreamException;
import dev.godwit.workers.cdc.stream.SlotInspector;
import dev.godwit.workers.cdc.stream.StreamEvent;
import dev.godwit.workers.cdc.stream.StreamOptions;
import dev.godwit.workers.pg.Lsn;
import dev.godwit.workers.pg.PgConnector;
import dev.godwit.workers.pg.ReplicaMode;
import dev.godwit.workers.pg.SqlStates;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Change data capture the other way, after a cutover with fallback: the target's reverse slot is streamed and each of
 * its transactions applied on the source by the same decoder and {@link ChangeApplier} as the forward stream, routed
 * back through {@link ReverseRouting}. The checkpoint is the source's replication origin ({@link OriginCheckpoint}),
 * and the slot is confirmed only up to what the source has committed, so that a kill at any moment neither loses nor
 * repeats a transaction. The origin names a position only together with its COMMIT, since an aborted transaction
 * moves it too (see {@link OriginCheckpoint}; a kill between the two lost transactions before). Each start logs the
 * origin's position and the slot's. A lost connection or a slot or origin still held by a dead process is retried
 * with backoff.
 */
public final class ReverseStream {
    private static final Logger log = LoggerFactory.getLogger(ReverseStream.class);
    private static final Duration POLL = Duration.ofMillis(200);
    /** How often a quiet target is given a transaction to stream back, so that its slot moves (see FallbackMarker). */
    private static final Duration BEAT_EVERY = Duration.ofSeconds(10);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
    private static final int MAX_CONSECUTIVE_FAILURES = 30;
    private static final String IN_USE = "55006";

    private final PgConnector source;
    private final PgConnector target;
    private final FallbackLedger.Entry entry;
    private final ReverseRouting routing;

    /** What ended a run of the stream. */
    public enum Outcome { STOPPED, CAUGHT_UP }

    public ReverseStream(PgConnector source, PgConnector target, FallbackLedger.Entry entry, List<PlannedTable> tables) {
        this.source = source;
        this.target = target;
        this.entry = entry;
        this.routing = new ReverseRouting(tables);
    }

    /** The task's reverse stream, when a cutover with fallback set one up and no fallback ended it. */
    public static Optional<ReverseStream> forTask(Task task, PgConnector source, PgConnector target, ControlSchema control,
                                                  List<PlannedTable> tables, Connection t) throws SQLException {
        return new FallbackLedger(control, task.name()).find(t).filter(e -> e.state() == FallbackLedger.State.STREAMING)
                .map(e -> new ReverseStream(source, target, e, tables));
    }

    /**
     * Streams until {@code stop} says so (checked between transactions) or, when {@code catchUp} is present, until the
     * source has applied everything the target committed below that position.
     */
    public Outcome run(BooleanSupplier stop, Optional<Lsn> catchUp) throws Exception {
        int failures = 0;
        while (true) {
            boolean[] streamed = {false};
            try {
                return stream(stop, catchUp, streamed);
            } catch (Exception e) {
                failures = streamed[0] ? 1 : failures + 1;
                if (!isTransient(e) || failures > MAX_CONSECUTIVE_FAILURES) {
                    throw e;
                }
                Duration wait = Duration.ofMillis(Math.min(MAX_BACKOFF.toMillis(), 250L << Math.min(failures, 6)));
                log.warn("fallback: {} — reconnecting from the source's origin in {} ms (attempt {})",
                        e.getMessage(), wait.toMillis(), failures);
                Thread.sleep(wait.toMillis());
                if (stop.getAsBoolean()) {
                    return Outcome.STOPPED;
                }
            }
        }
    }

    private Outcome stream(BooleanSupplier stop, Optional<Lsn> catchUp, boolean[] streamed) throws Exception {
        FallbackNames names = entry.names();
        try (Connection apply = Fence.writable(source.open("fallback apply"))) {
            // as forward: the source's triggers and foreign-key actions do not fire for replayed changes
            ReplicaMode.enable(apply);
            OriginCheckpoint checkpoint = OriginCheckpoint.take(apply, names.origin());
            Lsn start = Lsn.max(checkpoint.current(), entry.startLsn());
            verifySlot(start);
            if (catchUp.isPresent() && start.compareTo(catchUp.get()) >= 0) {
                return Outcome.CAUGHT_UP;
            }
            // idle positions are never acknowledged: the slot moves only with commits on the source, which move the
            // origin with them (a quiet target is given markers: see FallbackMarker)
            StreamOptions options = StreamOptions.of(names.slot(), names.publication(), start).withMessages(true)
                    .withIdleAcknowledgement(true);
            try (ChangeApplier applier = new ChangeApplier(apply, routing, checkpoint, ApplyOptions.defaults());
                 ChangeStream stream = ChangeStream.open(target, options);
                 FallbackMarker beat = FallbackMarker.beating(target, BEAT_EVERY)) {
                log.info("fallback: streaming slot {} of the target to the source from {}", names.slot(), start);
                streamed[0] = true;
                boolean inTransaction = false;
                while (true) {
                    StreamEvent event = stream.poll(POLL);
                    if (event == null) {
                        applier.commitPending();
                        confirm(stream, applier);
                    } else {
                        applier.accept(event.walPosition(), event.message());
                        if (event.message() instanceof PgOutputMessage.Begin) {
                            inTransaction = true;
                        } else if (event.message() instanceof PgOutputMessage.Commit) {
                            inTransaction = false;
                            if (stream.queued() == 0) {
                                applier.commitPending();
                            }
                            confirm(stream, applier);
                        }
                    }
                    if (!inTransaction) {
                        Lsn done = applier.lastCommittedEndLsn();
                        if (catchUp.isPresent() && done.isValid() && done.compareTo(catchUp.get()) >= 0) {
                            applier.drain();
                            confirm(stream, applier);
                            return Outcome.CAUGHT_UP;
                        }
                        if (stop.getAsBoolean()) {
                            applier.drain();
                            confirm(stream, applier);
                            log.info("fallback: the reverse stream stopped after applying up to {}",
                                    applier.lastCommittedEndLsn());
                            return Outcome.STOPPED;
                        }
                    }
                }
            }
        }
    }

    /**
     * The reverse slot must still hold every change after the source's origin: a slot confirmed beyond it has let
     * changes go that the source never got, and going on would lose them silently.
     */
    private void verifySlot(Lsn start) throws SQLException {
        FallbackNames names = entry.names();
        try (Connection t = target.open("fallback slot check")) {
            SlotInspector.SlotState slot = SlotInspector.slot(t, names.slot()).orElseThrow(() -> new GodwitException(
                    FailureKind.SLOT_LOST, "the reverse slot " + names.slot() + " does not exist on the target: the"
                    + " target's changes since " + start + " cannot reach the source, so there is no fallback"));
            log.info("fallback: the source's origin is at {}; slot {} is confirmed up to {}", start, names.slot(),
                    slot.confirmedFlushLsn());
            if (slot.confirmedFlushLsn().compareTo(start) > 0) {
                throw new GodwitException(FailureKind.FAILED, "the reverse slot " + names.slot() + " is confirmed up to "
                        + slot.confirmedFlushLsn() + " but the source has applied only up to " + start + ": the"
                        + " target's changes in between are gone from the slot. Refusing to continue: there is no"
                        + " exact fallback");
            }
        }
    }

    private static void confirm(ChangeStream stream, ChangeApplier applier) {
        Lsn done = applier.lastCommittedEndLsn();
        if (done.isValid()) {
            stream.confirm(done);
        }
    }

    private static boolean isTransient(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ChangeStreamException cse && cse.isTransient()) {
                return true;
            }
            // a slot or origin still held by the sessions of a process that died: the servers end them soon
            if (t instanceof SQLException se && IN_USE.equals(se.getSQLState())) {
                return true;
            }
        }
        return SqlStates.isTransient(e);
    }
}
