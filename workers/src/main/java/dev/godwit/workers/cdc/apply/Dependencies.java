package dev.godwit.workers.cdc.apply;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Which apply lanes hold uncommitted source transactions that a new one must follow. A lane applies what it is given
 * in order, so a transaction that conflicts with one lane only goes to that lane; one that conflicts with several
 * waits until all but one of them have committed the transactions in the way.
 *
 * <p>Only the newest transaction that touched a row key is remembered: any earlier one that touched it is on the
 * same lane (it was given there) or committed. Tables remember, per lane, the newest transaction that wrote them and
 * the newest that wrote them whole. Entries of committed transactions are dropped now and then.
 */
final class Dependencies {
    /** Row keys remembered before the committed ones are swept out. */
    private static final int SWEEP_AT = 200_000;

    /** The newest transaction committed by each lane, in the order the lanes were given them. */
    interface Committed {
        long upTo(int lane);
    }

    private final int lanes;
    private final Committed committed;
    /** Row key to (sequence number × 64 + lane) of the newest transaction that touched it. */
    private final Map<Long, Long> rows = new HashMap<>();
    private final Map<String, long[]> writers = new HashMap<>();
    private final Map<String, long[]> wholeWriters = new HashMap<>();
    private int sweepAt = SWEEP_AT;

    Dependencies(int lanes, Committed committed) {
        if (lanes > 64) {
            throw new IllegalArgumentException("at most 64 lanes");
        }
        this.lanes = lanes;
        this.committed = committed;
    }

    /** The lanes (a bit each) holding an uncommitted transaction that {@code keys} must follow. */
    long conflicts(TransactionKeys keys) {
        long mask = 0;
        for (long row : keys.rows) {
            Long owner = rows.get(row);
            if (owner != null && pending((int) (owner & 63), owner >>> 6)) {
                mask |= 1L << (owner & 63);
            }
        }
        for (String table : keys.shared) {
            mask |= pendingLanes(wholeWriters.get(table));
        }
        for (String table : keys.exclusive) {
            mask |= pendingLanes(wholeWriters.get(table)) | pendingLanes(writers.get(table));
        }
        return mask;
    }

    /** Remembers that transaction {@code seq}, holding {@code keys}, went to {@code lane}. */
    void given(TransactionKeys keys, int lane, long seq) {
        long owner = seq << 6 | lane;
        for (long row : keys.rows) {
            rows.put(row, owner);
        }
        for (String table : keys.shared) {
            writers.computeIfAbsent(table, t -> new long[lanes])[lane] = seq;
        }
        for (String table : keys.exclusive) {
            writers.computeIfAbsent(table, t -> new long[lanes])[lane] = seq;
            wholeWriters.computeIfAbsent(table, t -> new long[lanes])[lane] = seq;
        }
        if (rows.size() >= sweepAt) {
            sweep();
        }
    }

    private boolean pending(int lane, long seq) {
        return seq > committed.upTo(lane);
    }

    private long pendingLanes(long[] newest) {
        long mask = 0;
        if (newest != null) {
            for (int lane = 0; lane < lanes; lane++) {
                if (newest[lane] != 0 && pending(lane, newest[lane])) {
                    mask |= 1L << lane;
                }
            }
        }
        return mask;
    }

    /** Drops the row keys of committed transactions; remembers more next time if most are still pending. */
    private void sweep() {
        for (Iterator<Long> it = rows.values().iterator(); it.hasNext(); ) {
            long owner = it.next();
            if (!pending((int) (owner & 63), owner >>> 6)) {
                it.remove();
            }
        }
        sweepAt = Math.max(SWEEP_AT, rows.size() * 2);
    }
}
