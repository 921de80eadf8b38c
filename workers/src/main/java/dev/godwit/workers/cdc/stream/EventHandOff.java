package dev.godwit.workers.cdc.stream;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bounded way from the reader thread to the consumer. Events cross in batches: handed one at a time, a source
 * sending a few transactions a millisecond woke the waiting consumer for every message (a futex wake and a context
 * switch each), which cost more CPU than applying them. The reader fills a batch while the socket has more and sends
 * it when it is full, when the socket is drained, or when its first event has waited {@link #BATCH_AGE_NANOS}.
 *
 * <p>{@link #size()} counts every event handed and not yet returned by {@link #poll} (those in the consumer's current
 * batch included), so "nothing queued" means what it meant with one queue of events: the idle rule of
 * {@link StreamFeedback} relies on it. At most {@code capacity} events wait, the consumer's current batch included.
 *
 * <p>The reader calls {@link #add}, {@link #ship} and {@link #shipAge}; the consumer {@link #poll}; any thread
 * {@link #size()} and {@link #clear()}.
 */
final class EventHandOff {
    /** At most this long between an event's arrival and its batch being sent: what batching may add to the lag. */
    static final long BATCH_AGE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final int MAX_BATCH = 64;

    private final int batchSize;
    private final BlockingQueue<List<StreamEvent>> batches = new LinkedBlockingQueue<>();
    /** Batches that may wait in {@link #batches}: taken before one is counted and queued, so no attempt counts. */
    private final Semaphore room;
    private final AtomicInteger pending = new AtomicInteger();

    // the reader's batch in the making
    private List<StreamEvent> filling;
    private long fillingSince;

    // the consumer's current batch
    private List<StreamEvent> current = List.of();
    private int next;

    EventHandOff(int capacity) {
        // a small capacity keeps its meaning (tests bound the queue to a few events): batches of one event each
        this.batchSize = Math.max(1, Math.min(MAX_BATCH, capacity / 16));
        this.room = new Semaphore(Math.max(1, capacity / batchSize - (batchSize > 1 ? 1 : 0)));
        this.filling = new ArrayList<>(batchSize);
    }

    /** Adds an event to the batch in the making; true when the batch is full and must be {@linkplain #ship sent}. */
    boolean add(StreamEvent event, long nowNanos) {
        if (filling.isEmpty()) {
            fillingSince = nowNanos;
        }
        filling.add(event);
        return filling.size() >= batchSize;
    }

    /** Whether the batch in the making holds an event that has waited long enough to be sent now. */
    boolean shipAge(long nowNanos) {
        return !filling.isEmpty() && nowNanos - fillingSince >= BATCH_AGE_NANOS;
    }

    /** Whether the reader holds events not sent yet. */
    boolean filling() {
        return !filling.isEmpty();
    }

    /**
     * Offers the batch in the making to the consumer, waiting up to {@code timeoutMillis} for room.
     *
     * @return true if it was sent (or there was nothing to send); false if there was no room in time (try again)
     */
    boolean ship(long timeoutMillis) throws InterruptedException {
        if (filling.isEmpty()) {
            return true;
        }
        if (!room.tryAcquire(timeoutMillis, TimeUnit.MILLISECONDS)) {
            return false;
        }
        pending.addAndGet(filling.size()); // counted before the consumer can see it: size() never reads low
        batches.add(filling);
        filling = new ArrayList<>(batchSize);
        return true;
    }

    /** The next event, waiting up to {@code timeoutNanos}; null if none came. Consumer thread only. */
    StreamEvent poll(long timeoutNanos) throws InterruptedException {
        if (next == current.size()) {
            List<StreamEvent> batch = batches.poll(timeoutNanos, TimeUnit.NANOSECONDS);
            if (batch == null) {
                return null;
            }
            room.release();
            current = batch;
            next = 0;
        }
        StreamEvent event = current.get(next++);
        if (next == current.size()) {
            current = List.of();
            next = 0;
        }
        pending.decrementAndGet();
        return event;
    }

    /** Events handed and not yet returned to the consumer. */
    int size() {
        return pending.get();
    }

    /**
     * Room taken in the queue, in events: its batches times the batch size (the consumer's batch not counted). Never
     * more than the capacity.
     */
    int queuedRoom() {
        return batches.size() * batchSize;
    }

    boolean isEmpty() {
        return pending.get() == 0;
    }

    /** Drops whatever waits (the stream is closed). */
    void clear() {
        batches.clear();
        pending.set(0);
    }
}
