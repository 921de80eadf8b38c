package dev.godwit.workers.cdc.apply;

import dev.godwit.workers.cdc.pgoutput.PgOutputMessage;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Begin;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Commit;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Delete;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Insert;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Relation;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Update;
import dev.godwit.workers.pg.Lsn;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Applies source transactions on several target connections ({@link ApplyLane}s) at once, in an order the target
 * cannot tell from the source's. The calling thread reads each source transaction whole, notes the rows and tables it
 * touches ({@link TransactionKeys}, by {@link KeyShape}), and gives it to a lane:
 * <ul>
 * <li>to the one lane that still holds an uncommitted transaction it must follow, which applies them in order;</li>
 * <li>to any lane when it must follow none (the least busy; one lane when most transactions meet others, see below);</li>
 * <li>when it must follow transactions on several lanes, once all but one of them have committed those.</li>
 * </ul>
 * What the target cannot reorder runs alone, on lane 0, after everything before it has committed and before anything
 * after it starts: a transaction carrying a Relation or Type message (a table's new shape, which may alter the target,
 * and which the other lanes then {@linkplain ChangeApplier#follow take as lane 0 settled it}), a TRUNCATE, and a
 * transaction too big to hold ({@value #BUFFER_CHANGES} changes or more), which is streamed to lane 0 as it arrives so
 * that memory stays bounded.
 *
 * <p>The apply session must run in replica mode: foreign keys are not checked and triggers do not fire, so a child row
 * may reach the target before its parent, as it may inside one transaction. The final state of every row is the
 * source's, since every row's changes commit in source order.
 *
 * <p><b>Checkpoint.</b> Each target transaction records the commit LSNs of the source transactions it holds; this class
 * moves the checkpoint to the end of the longest run of given transactions that are all committed, and only that is
 * confirmed to the slot ({@link #stats()}). After a crash, the transactions above the checkpoint that a lane committed
 * are skipped by their record, and the others applied again: each exactly once ({@link ParallelCheckpoint}).
 *
 * <p><b>When parallelism does not pay.</b> A workload whose transactions mostly touch rows other recent ones touched
 * (a few hot rows) would make most transactions wait for another lane's commit, and lanes commit small groups. When
 * more than one in {@value #WAIT_SHARE} transactions of the last {@value #WINDOW} waited, new transactions that follow
 * no other go to lane 0 for the next {@value #SINGLE_SPAN}, where they group as a single applier's do; then lanes are
 * tried again.
 *
 * <p>Not thread-safe: one thread calls it, as the one that reads the stream.
 */
public final class ParallelApplier implements Applier {
    static final int BUFFER_CHANGES = 2_000;
    /** Transactions handed to a lane at once: one hand-over each would wake its thread for every transaction. */
    private static final int HAND_OVER = 32;
    private static final int STREAM_CHUNK = 500;
    private static final long RECORD_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final long WAIT_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    static final int WINDOW = 1_024;
    static final int WAIT_SHARE = 8;
    static final int SINGLE_SPAN = 16_384;

    private final List<ApplyLane> lanes = new ArrayList<>();
    private final ParallelCheckpoint checkpoint;
    private final Connection control;
    private final Dependencies dependencies;
    private final AppliedAtStart atStart;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition progress = lock.newCondition();
    /** Given transactions not yet under the checkpoint, in source order. */
    private final ArrayDeque<ApplyLane.Given> order = new ArrayDeque<>();
    private final Map<Long, KeyShape> shapes = new HashMap<>();
    private final long[] givenCount;
    /** Per lane, transactions given but not yet handed over (see {@link #HAND_OVER}), with their messages. */
    private final List<List<ApplyLane.Given>> pendingGiven = new ArrayList<>();
    private final List<List<List<Positioned>>> pendingMessages = new ArrayList<>();

    private long nextSeq = 1;
    private int nextLane;
    private Lsn reached;
    private Instant reachedTime;
    private Lsn recorded;
    private Instant recordedTime;
    private long lastRecordNanos;
    private long skippedTransactions;
    private boolean failed;

    private long waits;
    private long singleSpans;
    private long windowGiven;
    private long windowWaits;
    private long singleUntil;

    // the source transaction being read
    private Begin begin;
    private List<Positioned> buffer = new ArrayList<>();
    private TransactionKeys keys;
    private Map<Long, Relation> relations;
    private int changes;
    private boolean skip;
    private boolean alone;
    private boolean streaming;

    /**
     * @param connections target connections, one per lane, in replica mode; owned by this applier from now on
     * @param control     a target connection in autocommit mode, for moving the checkpoint
     */
    public ParallelApplier(List<Connection> connections, Function<Relation, Optional<ApplyTarget>> routing,
                           ParallelCheckpoint checkpoint, Connection control, ApplyOptions options,
                           ApplyExceptionLog exceptions) throws SQLException {
        this.checkpoint = checkpoint;
        this.control = control;
        this.atStart = AppliedAtStart.read(checkpoint);
        this.reached = atStart.checkpoint();
        this.recorded = atStart.checkpoint();
        this.givenCount = new long[connections.size()];
        try {
            for (int i = 0; i < connections.size(); i++) {
                lanes.add(new ApplyLane(i, connections.get(i), routing, checkpoint, atStart,
                        options, exceptions, this::signal));
            }
        } catch (SQLException | RuntimeException e) {
            lanes.forEach(ApplyLane::close);
            connections.forEach(ParallelApplier::closeQuietly);
            throw e;
        }
        this.dependencies = new Dependencies(lanes.size(), lane -> lanes.get(lane).committedSeq());
        for (int i = 0; i < lanes.size(); i++) {
            pendingGiven.add(new ArrayList<>());
            pendingMessages.add(new ArrayList<>());
        }
        lanes.forEach(ApplyLane::start);
    }

    @Override
    public void accept(Lsn walPosition, PgOutputMessage message) throws SQLException {
        if (failed) {
            throw new IllegalStateException("the applier failed earlier; restart from the checkpoint");
        }
        try {
            read(new Positioned(walPosition, message));
        } catch (SQLException | RuntimeException e) {
            failed = true;
            throw e;
        }
    }

    private void read(Positioned m) throws SQLException {
        PgOutputMessage message = m.message();
        if (message instanceof Begin b) {
            begin = b;
            buffer = new ArrayList<>();
            buffer.add(m);
            keys = new TransactionKeys();
            relations = new LinkedHashMap<>();
            changes = 0;
            skip = atStart.holds(b);
            alone = false;
            streaming = false;
            return;
        }
        if (begin == null && message instanceof PgOutputMessage.LogicalMessage) {
            return; // a message emitted outside any transaction: nothing to apply
        }
        if (begin == null) {
            throw new SQLException("message " + message.getClass().getSimpleName() + " at " + m.walPosition()
                    + " outside a transaction", "08P01");
        }
        if (message instanceof Commit commit) {
            buffer.add(m);
            finish(commit);
            begin = null;
            return;
        }
        if (message instanceof Relation relation) {
            relations.put(relation.relationId(), relation);
            alone = true;
        } else if (message instanceof PgOutputMessage.Type || message instanceof PgOutputMessage.Truncate) {
            alone = true;
        } else if (skip) {
            return; // applied before: only what describes relations matters
        } else if (!alone && !streaming) {
            note(message);
        }
        buffer.add(m);
        if (message instanceof Insert || message instanceof Update || message instanceof Delete) {
            changes++;
        }
        if (streaming && buffer.size() >= STREAM_CHUNK) {
            lanes.get(0).give(null, buffer);
            buffer = new ArrayList<>();
        } else if (!streaming && changes >= BUFFER_CHANGES) {
            drainLanes(); // too big to hold: streamed to lane 0 alone
            streaming = true;
            lanes.get(0).give(null, buffer);
            buffer = new ArrayList<>();
        }
    }

    private void note(PgOutputMessage message) {
        if (message instanceof Insert i) {
            KeyShape shape = shapes.get(i.relationId());
            if (shape != null) {
                keys.insert(shape, i.newTuple());
            }
        } else if (message instanceof Update u) {
            KeyShape shape = shapes.get(u.relationId());
            if (shape != null) {
                keys.update(shape, u.oldTuple(), u.newTuple());
            }
        } else if (message instanceof Delete d) {
            KeyShape shape = shapes.get(d.relationId());
            if (shape != null) {
                keys.delete(shape, d.oldTuple());
            }
        }
    }

    private void finish(Commit commit) throws SQLException {
        if (skip) {
            if (!alone) {
                skippedTransactions++;
                return;
            }
            // lane 0 skips it too (and counts it), but takes its relations
            drainLanes();
            lanes.get(0).give(null, buffer);
            await(lanes.get(0).call(applier -> {
                applier.settle();
                return null;
            }));
            follow(relations.keySet());
            return;
        }
        ApplyLane.Given given = new ApplyLane.Given(nextSeq++, begin.finalLsn(), commit.endLsn(), commit.commitTime());
        if (alone || streaming) {
            if (!streaming) {
                drainLanes();
            }
            order.add(given);
            givenCount[0]++;
            lanes.get(0).give(given, buffer);
            drainLanes();
            follow(relations.keySet());
            return;
        }
        int lane = laneFor(keys);
        dependencies.given(keys, lane, given.seq);
        order.add(given);
        givenCount[lane]++;
        pendingGiven.get(lane).add(given);
        pendingMessages.get(lane).add(buffer);
        if (pendingGiven.get(lane).size() >= HAND_OVER) {
            handOver(lane);
        }
        advance(false);
    }

    /** Hands the transactions waiting for {@code lane} over to it, in one piece of work (one wake-up). */
    private void handOver(int lane) throws SQLException {
        if (!pendingGiven.get(lane).isEmpty()) {
            lanes.get(lane).giveAll(pendingGiven.get(lane), pendingMessages.get(lane));
            pendingGiven.set(lane, new ArrayList<>());
            pendingMessages.set(lane, new ArrayList<>());
        }
    }

    /** Before waiting for any lane: what waits to be handed over could be what is waited for. */
    private void handOverAll() throws SQLException {
        for (int lane = 0; lane < lanes.size(); lane++) {
            handOver(lane);
        }
    }

    /** The lane for a transaction holding {@code keys}, once it must follow transactions on one lane at most. */
    private int laneFor(TransactionKeys keys) throws SQLException {
        long conflicts = dependencies.conflicts(keys);
        windowGiven++;
        if (Long.bitCount(conflicts) > 1) {
            windowWaits++;
            waits++;
            do {
                for (int lane = 0; lane < lanes.size(); lane++) {
                    if ((conflicts & (1L << lane)) != 0) {
                        lanes.get(lane).nudge();
                    }
                }
                handOverAll();
                awaitProgress();
                conflicts = dependencies.conflicts(keys);
            } while (Long.bitCount(conflicts) > 1);
        }
        if (windowGiven >= WINDOW) {
            if (windowWaits * WAIT_SHARE > windowGiven) {
                singleSpans += nextSeq >= singleUntil ? 1 : 0;
                singleUntil = nextSeq + SINGLE_SPAN;
            }
            windowGiven = 0;
            windowWaits = 0;
        }
        if (conflicts != 0) {
            return Long.numberOfTrailingZeros(conflicts);
        }
        if (nextSeq < singleUntil) {
            return 0;
        }
        int best = -1;
        long least = Long.MAX_VALUE;
        for (int i = 0; i < lanes.size(); i++) {
            int lane = (nextLane + i) % lanes.size();
            long pending = givenCount[lane] - committedCount(lane);
            if (pending < least) {
                least = pending;
                best = lane;
            }
        }
        nextLane = (best + 1) % lanes.size();
        return best;
    }

    private long committedCount(int lane) {
        return lanes.get(lane).committedCount();
    }

    /**
     * After lane 0 settled the relations of a transaction that ran alone: the other lanes take them as it did, and
     * their key shapes are read again.
     */
    private void follow(Set<Long> relationIds) throws SQLException {
        if (relationIds.isEmpty()) {
            return;
        }
        List<Long> ids = List.copyOf(relationIds);
        Settled settled = await(lanes.get(0).call(applier -> settle(applier, ids)));
        for (int lane = 1; lane < lanes.size(); lane++) {
            lanes.get(lane).run(applier -> {
                for (ChangeApplier.Routed r : settled.routed()) {
                    applier.follow(r);
                }
            });
        }
        for (long id : ids) {
            shapes.remove(id);
        }
        shapes.putAll(settled.shapes());
    }

    /** Relations as lane 0 settled them, with their key shapes. */
    private record Settled(List<ChangeApplier.Routed> routed, Map<Long, KeyShape> shapes) {
    }

    private static Settled settle(ChangeApplier applier, List<Long> ids) throws SQLException {
        List<ChangeApplier.Routed> routed = new ArrayList<>();
        Map<Long, KeyShape> shapes = new HashMap<>();
        for (long id : ids) {
            applier.routed(id).ifPresent(routed::add);
            Optional<KeyShape> shape = applier.keyShape(id);
            shape.ifPresent(s -> shapes.put(id, s));
        }
        return new Settled(routed, shapes);
    }

    /**
     * Moves the checkpoint over what the lanes committed. The lanes are not hurried: each commits by itself once it
     * has had nothing to do for a moment, so that a reader that falls behind for an instant does not split every
     * lane's group into small commits.
     */
    @Override
    public void commitPending() throws SQLException {
        handOverAll();
        advance(true);
    }

    @Override
    public void drain() throws SQLException {
        drainLanes();
    }

    /** Waits until every transaction given is committed, then moves the checkpoint to the last of them. */
    private void drainLanes() throws SQLException {
        handOverAll();
        lanes.forEach(ApplyLane::nudge);
        while (!allCommitted()) {
            awaitProgress();
            lanes.forEach(ApplyLane::nudge);
        }
        advance(true);
    }

    private boolean allCommitted() {
        return order.stream().allMatch(g -> g.committed);
    }

    @Override
    public void routeAgain() throws SQLException {
        drainLanes();
        List<Long> before = List.copyOf(shapes.keySet());
        Set<Long> routed = await(lanes.get(0).call(applier -> {
            applier.routeAgain();
            Set<Long> ids = new java.util.HashSet<>();
            for (long id : applier.relationIds()) {
                if (applier.routed(id).flatMap(ChangeApplier.Routed::target).isPresent() && !before.contains(id)) {
                    ids.add(id);
                }
            }
            return ids;
        }));
        follow(routed);
    }

    /** How the work was shared, for the progress log: transactions committed per lane, waits, single-lane spans. */
    public String describe() {
        StringBuilder perLane = new StringBuilder();
        for (ApplyLane lane : lanes) {
            perLane.append(perLane.length() == 0 ? "" : "/").append(lane.committedCount());
        }
        return lanes.size() + " connections, transactions per connection " + perLane + ", " + waits
                + " waited for two connections, " + singleSpans + " spans on one connection (hot rows)";
    }

    @Override
    public Lsn lastCommittedEndLsn() {
        return recorded;
    }

    @Override
    public ApplyStats stats() {
        long transactions = 0;
        long skipped = skippedTransactions;
        long inserts = 0;
        long updates = 0;
        long deletes = 0;
        long truncates = 0;
        long skippedChanges = 0;
        for (ApplyLane lane : lanes) {
            ApplyStats s = lane.stats();
            transactions += s.transactions();
            skipped += s.skippedTransactions();
            inserts += s.inserts();
            updates += s.updates();
            deletes += s.deletes();
            truncates += s.truncates();
            skippedChanges += s.skippedChanges();
        }
        return new ApplyStats(transactions, skipped, inserts, updates, deletes, truncates, skippedChanges, recorded,
                Optional.ofNullable(recordedTime));
    }

    /**
     * Moves the checkpoint over the given transactions committed in an unbroken run from the oldest; records it at
     * most every {@code RECORD_EVERY_NANOS} unless {@code now}.
     */
    private void advance(boolean now) throws SQLException {
        checkLanes();
        while (!order.isEmpty() && order.peek().committed) {
            ApplyLane.Given g = order.poll();
            reached = g.endLsn;
            reachedTime = g.commitTime;
        }
        long clock = System.nanoTime();
        if (reached.isAfter(recorded) && (now || clock - lastRecordNanos >= RECORD_EVERY_NANOS)) {
            checkpoint.advance(control, reached, reachedTime);
            recorded = reached;
            recordedTime = reachedTime;
            lastRecordNanos = clock;
        }
    }

    private void checkLanes() throws SQLException {
        for (ApplyLane lane : lanes) {
            lane.rethrowFailure();
        }
    }

    private void signal() {
        lock.lock();
        try {
            progress.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits for a lane to commit something (or a slice of time), then checks that none failed. */
    private void awaitProgress() throws SQLException {
        lock.lock();
        try {
            progress.awaitNanos(WAIT_SLICE_NANOS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for the apply lanes", "57014", e);
        } finally {
            lock.unlock();
        }
        checkLanes();
    }

    private <T> T await(CompletableFuture<T> result) throws SQLException {
        while (true) {
            try {
                return result.get(WAIT_SLICE_NANOS, TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                checkLanes();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while waiting for apply lane 0", "57014", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof SQLException se) {
                    throw se;
                }
                throw new SQLException("apply lane 0 failed: " + e.getCause().getMessage(), e.getCause());
            }
        }
    }

    @Override
    public void close() {
        lanes.forEach(ApplyLane::close);
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // giving up the applier: nothing committed is at stake
        }
    }
}
