package dev.godwit.workers.cdc.stream;

import dev.godwit.workers.cdc.pgoutput.PgOutputDecoder;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage;
import dev.godwit.workers.pg.Lsn;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.postgresql.replication.PGReplicationStream;

/**
 * The loop of the reader thread: the only code that touches the {@link PGReplicationStream}. It reads without
 * blocking, decodes, hands events to the consumer in batches ({@link EventHandOff}), and keeps status updates flowing
 * to the walsender even while the consumer has no room, so a slow consumer never gets the walsender killed at
 * {@code wal_sender_timeout}.
 */
final class StreamReader {
    /**
     * Pause when the socket has nothing. During a catch-up the applier empties the queue in a few milliseconds once
     * the target answers; a 10 ms pause here left it waiting for the reader a third of the time. 1 ms is still a
     * thousand cheap wake-ups a second at most, not a spin.
     */
    private static final long IDLE_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** How long one offer to a full hand-off waits before checking for stop and status updates. */
    private static final long OFFER_SLICE_MILLIS = 50;

    private final PGReplicationStream stream;
    private final PgOutputDecoder decoder;
    private final EventHandOff handOff;
    private final StreamFeedback feedback;
    /** Protocol version 2: where in-progress transactions wait for their commit; null under version 1. */
    private final StreamedTransactions spool;
    private final long statusIntervalNanos;
    /** An advanced flush position is reported this soon, without waiting for the periodic update. */
    private final long earlyReportGapNanos;

    private final AtomicLong decoded = new AtomicLong();
    private volatile boolean stopRequested;
    private volatile Lsn lastReceived = Lsn.INVALID;
    private volatile Lsn serverWalEnd = Lsn.INVALID;
    private volatile Lsn reported = Lsn.INVALID;
    private volatile int maxQueued;
    private boolean unsentAdvance;
    private long lastForcedUpdate = System.nanoTime();

    StreamReader(PGReplicationStream stream, PgOutputDecoder decoder, EventHandOff handOff,
                 StreamFeedback feedback, long statusIntervalNanos) {
        this(stream, decoder, handOff, feedback, statusIntervalNanos, null);
    }

    StreamReader(PGReplicationStream stream, PgOutputDecoder decoder, EventHandOff handOff,
                 StreamFeedback feedback, long statusIntervalNanos, StreamedTransactions spool) {
        this.spool = spool;
        this.stream = stream;
        this.decoder = decoder;
        this.handOff = handOff;
        this.feedback = feedback;
        this.statusIntervalNanos = statusIntervalNanos;
        this.earlyReportGapNanos = Math.min(statusIntervalNanos, TimeUnit.MILLISECONDS.toNanos(500));
    }

    /**
     * Reads until {@link #stop()} or a failure, which propagates to the thread's owner once the events read before it
     * have been handed over.
     */
    void readUntilStopped() throws SQLException, IOException {
        try {
            read();
        } catch (SQLException | IOException | RuntimeException e) {
            if (!stopRequested) {
                handOverRead();
            }
            throw e;
        }
    }

    private void read() throws SQLException, IOException {
        while (!stopRequested) {
            ByteBuffer payload = stream.readPending();
            if (payload == null) {
                if (!ship()) {
                    return; // the events read go first: the idle rule below counts them as handed
                }
                if (stream.isClosed()) {
                    throw new SQLException("the server ended the replication stream (shut down or restarted, or the"
                            + " walsender was terminated)", "08006");
                }
                Lsn latest = Lsn.of(stream.getLastReceiveLSN());
                noteServerPosition(latest);
                feedback.onDrained(serverWalEnd, handOff.isEmpty());
                report();
                LockSupport.parkNanos(IDLE_PAUSE_NANOS);
                continue;
            }
            Lsn position = Lsn.of(stream.getLastReceiveLSN());
            lastReceived = position;
            noteServerPosition(position);
            PgOutputMessage message = decoder.decode(payload, position);
            decoded.incrementAndGet();
            feedback.onMessage(message);
            if (spool != null) {
                try {
                    if (spool.take(position, payload, message, this::hand)) {
                        report();
                        continue;
                    }
                } catch (StreamedTransactions.StopRequested e) {
                    return;
                }
            }
            if (!hand(new StreamEvent(position, message))) {
                return;
            }
            if (handOff.shipAge(System.nanoTime()) && !ship()) {
                return;
            }
            report();
        }
    }

    /**
     * Adds the event to the batch in the making, and sends the batch when it is full.
     *
     * @return false if a stop was requested while waiting for room
     */
    private boolean hand(StreamEvent event) throws SQLException {
        return !handOff.add(event, System.nanoTime()) || ship();
    }

    /**
     * Sends the batch in the making, waiting as long as the consumer needs, while answering the walsender every half
     * status interval: status updates are only sent from inside read calls or {@code forceUpdateStatus}. A spilled
     * transaction is handed over from its file without any read call, for as long as the consumer takes to apply
     * it, so the updates are kept going after each hand-over too.
     *
     * @return false if a stop was requested while waiting
     */
    private boolean ship() throws SQLException {
        if (!handOff.filling()) {
            return true;
        }
        try {
            while (!handOff.ship(OFFER_SLICE_MILLIS)) {
                if (stopRequested) {
                    return false;
                }
                keepAnswering();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        int size = handOff.queuedRoom();
        if (size > maxQueued) {
            maxQueued = size;
        }
        keepAnswering();
        return true;
    }

    /** After a failure: what was read before it still reaches the consumer, which then sees the failure. */
    private void handOverRead() {
        try {
            while (!stopRequested && !handOff.ship(OFFER_SLICE_MILLIS)) {
                // the consumer is applying what came before: wait for room (no status updates on a failed stream)
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sends a status update when none went for half a status interval. */
    private void keepAnswering() throws SQLException {
        long now = System.nanoTime();
        if (now - lastForcedUpdate >= statusIntervalNanos / 2) {
            applyFlushPosition();
            stream.forceUpdateStatus();
            lastForcedUpdate = now;
            unsentAdvance = false;
        }
    }

    /** Sets the flushed and applied positions and sends them early if they moved (at most every half second). */
    private void report() throws SQLException {
        applyFlushPosition();
        long now = System.nanoTime();
        if (unsentAdvance && now - lastForcedUpdate >= earlyReportGapNanos) {
            stream.forceUpdateStatus();
            lastForcedUpdate = now;
            unsentAdvance = false;
        }
    }

    private void applyFlushPosition() {
        Lsn target = feedback.flushPosition();
        if (target.isAfter(reported)) {
            stream.setFlushedLSN(target.toLogSequenceNumber());
            stream.setAppliedLSN(target.toLogSequenceNumber());
            reported = target;
            unsentAdvance = true;
        }
    }

    /** Sends the latest flush position once more before the connection closes; best effort. */
    void reportFinalPosition() {
        try {
            if (!stream.isClosed()) {
                applyFlushPosition();
                stream.forceUpdateStatus();
            }
        } catch (SQLException | RuntimeException e) {
            // the connection is going away anyway; the next stream reports the same confirmed position again
        }
    }

    private void noteServerPosition(Lsn position) {
        if (position.isAfter(serverWalEnd)) {
            serverWalEnd = position;
        }
    }

    void stop() {
        stopRequested = true;
    }

    boolean stopRequested() {
        return stopRequested;
    }

    Lsn lastReceived() {
        return lastReceived;
    }

    Lsn serverWalEnd() {
        return serverWalEnd;
    }

    Lsn reported() {
        return reported;
    }

    long decodedCount() {
        return decoded.get();
    }

    int maxQueued() {
        return maxQueued;
    }
}
