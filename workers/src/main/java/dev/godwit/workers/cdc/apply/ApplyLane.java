package dev.godwit.workers.cdc.apply;

import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Relation;
import dev.godwit.workers.pg.Lsn;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One connection of parallel apply: a thread of its own feeds the source transactions it is given, in the order
 * given, to a {@link ChangeApplier} on that connection. The applier groups them into target transactions as it does
 * alone; each target transaction records the commit LSNs of the source transactions it holds
 * ({@link ParallelCheckpoint#recordApplied}) instead of one position. A lane commits when its applier's group is full
 * or old, when it has had nothing to do for a moment, and when {@linkplain #nudge() nudged} (another transaction
 * waits for its own to commit).
 */
final class ApplyLane implements AutoCloseable {
    private static final int QUEUE = 32;
    /** An open group is committed after this long without work. */
    private static final long IDLE_COMMIT_MILLIS = 20;
    private static final long OFFER_SLICE_MILLIS = 50;

    /** A source transaction given to a lane: the order in which it was given, and where it commits. */
    static final class Given {
        final long seq;
        final Lsn finalLsn;
        final Lsn endLsn;
        final Instant commitTime;
        volatile boolean committed;

        Given(long seq, Lsn finalLsn, Lsn endLsn, Instant commitTime) {
            this.seq = seq;
            this.finalLsn = finalLsn;
            this.endLsn = endLsn;
            this.commitTime = commitTime;
        }
    }

    /** Work done on the lane's thread, with its applier. */
    interface Work {
        void run(ChangeApplier applier) throws Exception;
    }

    /** Work done on the lane's thread that answers. */
    interface Call<T> {
        T apply(ChangeApplier applier) throws Exception;
    }

    private static final Work NOTHING = applier -> { };

    private final int index;
    private final Connection connection;
    private final ChangeApplier applier;
    private final Runnable onProgress;
    private final BlockingQueue<Work> queue = new ArrayBlockingQueue<>(QUEUE);
    /** Transactions fed to the applier and not yet committed, in order (lane thread only). */
    private final ArrayDeque<Given> fed = new ArrayDeque<>();
    private final Thread thread;
    private volatile long committedSeq;
    private volatile long committedCount;
    private volatile ApplyStats stats;
    private volatile Exception failure;
    private volatile boolean nudged;
    private volatile boolean stopped;

    ApplyLane(int index, Connection connection, Function<Relation, Optional<ApplyTarget>> routing,
              ParallelCheckpoint checkpoint, AppliedAtStart atStart, ApplyOptions options,
              ApplyExceptionLog exceptions, Runnable onProgress) throws SQLException {
        this.index = index;
        this.connection = connection;
        this.onProgress = onProgress;
        this.applier = new ChangeApplier(connection, routing, new Checkpoint() {
            @Override
            public void write(Connection target, Lsn commitEndLsn, Instant commitTime) throws SQLException {
                List<Lsn> held = new ArrayList<>();
                for (Given g : fed) {
                    if (!g.endLsn.isAfter(commitEndLsn)) {
                        held.add(g.finalLsn);
                    }
                }
                checkpoint.recordApplied(target, held);
            }

            @Override
            public Lsn current() {
                return atStart.checkpoint();
            }

            @Override
            public Set<Lsn> appliedAbove() {
                return atStart.above();
            }
        }, options, exceptions);
        this.stats = applier.stats();
        this.thread = new Thread(this::loop, "godwit-apply-" + index);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Queues messages of a source transaction; {@code given} when they end with its Commit, else null. */
    void give(Given given, List<Positioned> messages) throws SQLException {
        put(applier -> {
            if (given != null) {
                fed.add(given); // before its Commit: a group committed by it records it
            }
            for (Positioned m : messages) {
                applier.accept(m.walPosition(), m.message());
            }
        });
    }

    /** Queues whole source transactions, each with its messages, as one piece of work. */
    void giveAll(List<Given> given, List<List<Positioned>> messages) throws SQLException {
        put(applier -> {
            for (int i = 0; i < given.size(); i++) {
                fed.add(given.get(i));
                for (Positioned m : messages.get(i)) {
                    applier.accept(m.walPosition(), m.message());
                }
            }
        });
    }

    /** Runs {@code work} on the lane's thread after what was queued before it. */
    <T> CompletableFuture<T> call(Call<T> work) throws SQLException {
        CompletableFuture<T> result = new CompletableFuture<>();
        put(applier -> {
            try {
                result.complete(work.apply(applier));
            } catch (Exception e) {
                result.completeExceptionally(e);
                throw e;
            }
        });
        return result;
    }

    void run(Work work) throws SQLException {
        put(work);
    }

    private void put(Work work) throws SQLException {
        try {
            while (!queue.offer(work, OFFER_SLICE_MILLIS, TimeUnit.MILLISECONDS)) {
                rethrowFailure();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while handing work to apply lane " + index, "57014", e);
        }
    }

    /** Asks the lane to commit its open group as soon as it has nothing queued (waking it if it waits for work). */
    void nudge() {
        nudged = true;
        queue.offer(NOTHING);
    }

    /** The sequence number of the newest transaction this lane committed. */
    long committedSeq() {
        return committedSeq;
    }

    /** How many of the transactions given to this lane it committed. */
    long committedCount() {
        return committedCount;
    }

    ApplyStats stats() {
        return stats;
    }

    /** Throws the failure that stopped the lane, if one did. */
    void rethrowFailure() throws SQLException {
        Exception e = failure;
        if (e instanceof SQLException se) {
            throw se;
        }
        if (e instanceof RuntimeException re) {
            throw re;
        }
        if (e != null) {
            throw new SQLException("apply lane " + index + " failed: " + e.getMessage(), e);
        }
    }

    private void loop() {
        try {
            while (!stopped) {
                Work work = queue.poll(IDLE_COMMIT_MILLIS, TimeUnit.MILLISECONDS);
                if (work != null) {
                    work.run(applier);
                }
                if (queue.isEmpty() && (work == null || nudged)) {
                    nudged = false;
                    applier.commitPending();
                }
                settle();
            }
        } catch (InterruptedException e) {
            // closing
        } catch (Exception e) {
            failure = e;
        } finally {
            onProgress.run();
        }
    }

    /** Marks what the applier committed; says so to whoever waits. */
    private void settle() {
        Lsn done = applier.lastCommittedEndLsn();
        boolean moved = false;
        while (!fed.isEmpty() && !fed.peek().endLsn.isAfter(done)) {
            Given g = fed.poll();
            g.committed = true;
            committedSeq = g.seq;
            committedCount++;
            moved = true;
        }
        if (moved) {
            stats = applier.stats();
            onProgress.run();
        }
    }

    /** Stops the thread; what it has not committed is rolled back by the connection's close. */
    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        applier.close();
        try {
            connection.close();
        } catch (SQLException ignored) {
            // the connection is going away; an open transaction is rolled back by the server
        }
    }
}
