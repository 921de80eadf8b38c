package dev.godwit.orchestrator.load;

import dev.godwit.orchestrator.state.Owners;
import dev.godwit.orchestrator.state.TableState;
import dev.godwit.orchestrator.state.TaskStore;
import dev.godwit.orchestrator.state.TaskStore.UnitRow;
import dev.godwit.orchestrator.state.UnitLeases;
import dev.godwit.workers.copy.CopyWorker;
import dev.godwit.workers.copy.RewriteCheck;
import dev.godwit.workers.pg.PgConnector;
import dev.godwit.workers.pg.SqlStates;
import dev.godwit.workers.schema.SchemaScript;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * Copies every pending unit of the ledger under one exported snapshot, N at a time, biggest first; as soon as all
 * units of a table are in, that table's keys, indexes and constraints are built (in one target transaction with its
 * ready mark) while other tables are still copying. Foreign keys come last.
 *
 * <p>A unit whose table was rewritten on the source after the snapshot (TRUNCATE, a rewriting ALTER TABLE) is not
 * committed, the table's other pending units are left alone, and the table is handed back to the caller, which copies
 * it again whole under a newer snapshot: the snapshot sees such a table empty.
 */
final class FullLoad {
    /** How often a paused load looks whether it may go on. */
    private static final Duration PAUSE_POLL = Duration.ofMillis(500);
    /** How often a coordinator reads the ledger while worker processes copy its units. */
    private static final Duration DISPATCH_POLL = Duration.ofMillis(250);
    private static final Logger log = LoggerFactory.getLogger(FullLoad.class);

    private final PgConnector source;
    private final PgConnector target;
    private final TaskStore store;
    private final Map<String, TableCopy> tables;
    private final Map<String, SchemaScript.Group> postData;
    private final int parallelism;
    private final boolean createdTables;
    private final Retry retry;
    private final UnitLeases leases;
    private final String owner;

    /**
     * @param createdTables godwit created the target tables (DROP_AND_CREATE): a table copied as one unit is then
     *                      truncated and loaded with COPY FREEZE in the unit's own transaction, since nothing
     *                      references it yet; otherwise the target may keep tables of its own, and a kept table that
     *                      has indexes keeps its keys and indexes instead of the source's
     */
    FullLoad(PgConnector source, PgConnector target, TaskStore store, Map<String, TableCopy> tables,
             Map<String, SchemaScript.Group> postData, int parallelism, boolean createdTables) {
        this.source = source;
        this.target = target;
        this.store = store;
        this.tables = tables;
        this.postData = postData;
        this.parallelism = parallelism;
        this.createdTables = createdTables;
        this.leases = new UnitLeases(store.controlSchema(), store.task());
        this.owner = Owners.self();
        this.retry = Retry.of("copy-unit", RetryConfig.custom()
                .maxAttempts(4)
                .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(30)))
                .retryOnException(SqlStates::isTransient)
                .build());
        retry.getEventPublisher().onRetry(e -> log.warn("retrying after a transient error (attempt {}): {}",
                e.getNumberOfRetryAttempts(), e.getLastThrowable() == null ? "" : e.getLastThrowable().getMessage()));
    }

    /**
     * Copies the pending units of the ledger and readies every table; returns when all is done or throws the first
     * failure.
     *
     * @return the tables rewritten on the source after the snapshot: none of their units copied from then on was
     *         committed, and they are not ready
     */
    Set<String> run(String snapshotName, LoadProgress progress, List<UnitRow> ledger, List<String> tablesToReady,
                    BooleanSupplier stopRequested, BooleanSupplier paused) throws Exception {
        Map<String, AtomicInteger> remaining = new HashMap<>();
        Map<String, Long> unitsPerTable = new HashMap<>();
        for (UnitRow u : ledger) {
            unitsPerTable.merge(u.tableKey(), 1L, Long::sum);
            if (!u.done()) {
                remaining.computeIfAbsent(u.tableKey(), k -> new AtomicInteger()).incrementAndGet();
            }
        }
        ConcurrentLinkedQueue<UnitRow> queue = new ConcurrentLinkedQueue<>(ledger.stream().filter(u -> !u.done())
                .sorted(Comparator.comparingInt(UnitRow::ordinal)).toList());
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Set<String> rewritten = ConcurrentHashMap.newKeySet();
        ExecutorService copiers = Executors.newFixedThreadPool(parallelism, named("copy"));
        ExecutorService builders = Executors.newFixedThreadPool(parallelism, named("post-data"));
        List<Future<?>> builds = new ArrayList<>();
        try {
            // tables whose units were all copied before (a resume) only need their post-data
            for (String key : tablesToReady) {
                if (!remaining.containsKey(key)) {
                    synchronized (builds) {
                        builds.add(builders.submit(() -> ready(key, progress, failure)));
                    }
                }
            }
            List<Future<?>> workers = new ArrayList<>();
            for (int i = 0; i < parallelism; i++) {
                workers.add(copiers.submit(() -> {
                    try (UnitCopier copier = new UnitCopier(source, target, leases, owner)) {
                        UnitRow unit;
                        while (failure.get() == null && mayTakeUnit(stopRequested, paused)
                                && (unit = queue.poll()) != null) {
                            UnitRow u = unit;
                            if (rewritten.contains(u.tableKey())) {
                                continue; // the whole table is copied again under a newer snapshot
                            }
                            boolean single = unitsPerTable.get(u.tableKey()) == 1;
                            UnitCopier.Outcome outcome;
                            try {
                                outcome = Retry.decorateCheckedSupplier(retry,
                                        () -> copyUnit(copier, snapshotName, u, single, progress)).get();
                            } catch (RewriteCheck.RelationRewritten e) {
                                rewritten.add(u.tableKey());
                                log.warn("unit {} not copied: {}", u.unitId(), e.getMessage());
                                continue;
                            }
                            if (outcome instanceof UnitCopier.Outcome.Copied copied) {
                                CopyWorker.CopyResult r = copied.result();
                                progress.unitDone(r.rows());
                                log.debug("unit {} copied: {} rows, {} bytes in {} ms", u.unitId(), r.rows(), r.bytes(), r.millis());
                            } else {
                                // only a process of an earlier run, still finishing a unit, can have done it
                                log.warn("unit {} not copied here: {}", u.unitId(),
                                        ((UnitCopier.Outcome.NotMine) outcome).why());
                            }
                            if (remaining.get(u.tableKey()).decrementAndGet() == 0) {
                                synchronized (builds) {
                                    builds.add(builders.submit(() -> ready(u.tableKey(), progress, failure)));
                                }
                            }
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                    return null;
                }));
            }
            for (Future<?> w : workers) {
                w.get();
            }
            copiers.shutdown();
            List<Future<?>> pending;
            synchronized (builds) {
                pending = List.copyOf(builds);
            }
            for (Future<?> b : pending) {
                b.get();
            }
        } finally {
            copiers.shutdownNow();
            builders.shutdownNow();
        }
        throwIfFailed(failure);
        return new TreeSet<>(rewritten);
    }

    /**
     * As {@link #run}, with the units handed to worker processes (the coordinator's own among them, when it works
     * units) instead of this process's threads: the units are copied under the snapshot as jobs, and this process
     * follows the ledger, readying each table as its last unit is done there. A unit a worker gave up on fails the
     * load; the units of a table rewritten on the source after the snapshot come back as rewritten. Returns when
     * every unit is settled or a stop was asked for; the units not begun then are withdrawn when the dispatch closes.
     * While {@code paused}, the recorded snapshot is cleared, so no process takes a new unit (the jobs that come up
     * meanwhile end without taking theirs); once the pause ends, the units still pending are handed out again, and a
     * unit whose copy is still running is left to its holder by its lease.
     */
    Set<String> runDispatched(UnitDispatch dispatch, String snapshotName, LoadProgress progress, List<UnitRow> ledger,
                              List<String> tablesToReady, BooleanSupplier stopRequested, BooleanSupplier paused)
            throws Exception {
        Map<String, AtomicInteger> remaining = new HashMap<>();
        Map<String, String> tableOf = new HashMap<>();
        List<UnitWork> work = new ArrayList<>();
        for (UnitRow u : ledger) {
            tableOf.put(u.unitId(), u.tableKey());
            if (!u.done()) {
                remaining.computeIfAbsent(u.tableKey(), k -> new AtomicInteger()).incrementAndGet();
                // never COPY FREEZE here: its TRUNCATE would hold the table against the re-run of a stalled unit
                work.add(work(u, false));
            }
        }
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Set<String> rewritten = new TreeSet<>();
        ExecutorService builders = Executors.newFixedThreadPool(parallelism, named("post-data"));
        List<Future<?>> builds = new ArrayList<>();
        try (Connection t = target.open("control")) {
            for (String key : tablesToReady) {
                if (!remaining.containsKey(key)) {
                    builds.add(builders.submit(() -> ready(key, progress, failure)));
                }
            }
            // a load paused from the start records no snapshot: the jobs that come up take nothing until it goes on
            boolean pausedNow = paused.getAsBoolean();
            leases.setLoadSnapshot(t, pausedNow ? null : snapshotName);
            try {
                Set<String> open = new java.util.HashSet<>(work.stream().map(UnitWork::unitId).toList());
                dispatch.dispatch(work, snapshotName);
                log.info("{} units handed to the workers under snapshot {}{}", work.size(), snapshotName,
                        pausedNow ? " (the load is paused: none is taken yet)" : "");
                while (!open.isEmpty() && failure.get() == null && !stopRequested.getAsBoolean()) {
                    if (paused.getAsBoolean() != pausedNow) {
                        pausedNow = !pausedNow;
                        leases.setLoadSnapshot(t, pausedNow ? null : snapshotName);
                        if (!pausedNow) {
                            dispatch.dispatch(work.stream().filter(w -> open.contains(w.unitId())).toList(), snapshotName);
                        }
                        log.info("full load {}: units are {} the workers", pausedNow ? "paused" : "going on",
                                pausedNow ? "no longer taken by" : "handed again to");
                    }
                    for (UnitLeases.UnitState u : leases.states(t)) {
                        if (u.state().equals("pending") || !open.remove(u.unitId())) {
                            continue;
                        }
                        String table = tableOf.get(u.unitId());
                        switch (u.state()) {
                            case "done" -> {
                                progress.unitDone(u.rows());
                                progress.bytes(u.bytes());
                                if (remaining.get(table).decrementAndGet() == 0 && !rewritten.contains(table)) {
                                    builds.add(builders.submit(() -> ready(table, progress, failure)));
                                }
                            }
                            case "rewritten" -> {
                                rewritten.add(table);
                                log.warn("unit {} not copied: {} was rewritten on the source after the snapshot",
                                        u.unitId(), table);
                            }
                            default -> failure.compareAndSet(null, new SQLException("unit " + u.unitId()
                                    + " failed on a worker: " + u.error(), "XX000"));
                        }
                    }
                    if (!open.isEmpty()) {
                        Thread.sleep(DISPATCH_POLL.toMillis());
                    }
                }
            } finally {
                leases.setLoadSnapshot(t, null);
            }
            for (Future<?> b : builds) {
                b.get();
            }
        } finally {
            builders.shutdownNow();
        }
        throwIfFailed(failure);
        return rewritten;
    }

    /** The first failure of a copier or a table's post-data, thrown as it was. */
    private static void throwIfFailed(AtomicReference<Throwable> failure) throws Exception {
        Throwable f = failure.get();
        if (f instanceof Exception e) {
            throw e;
        }
        if (f != null) {
            throw new IllegalStateException(f);
        }
    }

    /** Waits while the load is paused; false once a stop is asked for. */
    private static boolean mayTakeUnit(BooleanSupplier stopRequested, BooleanSupplier paused) throws InterruptedException {
        while (paused.getAsBoolean() && !stopRequested.getAsBoolean()) {
            Thread.sleep(PAUSE_POLL.toMillis());
        }
        return !stopRequested.getAsBoolean();
    }

    private UnitCopier.Outcome copyUnit(UnitCopier copier, String snapshotName, UnitRow u, boolean single,
                                        LoadProgress progress) throws SQLException {
        long before = progress.bytesCopied();
        try {
            // this process alone runs the task: no lease of another holder to wait for, the epoch still guards
            return copier.copy(work(u, single), snapshotName, false, Optional.empty(), progress::bytes);
        } catch (RewriteCheck.RelationRewritten e) {
            progress.bytes(before - progress.bytesCopied());
            throw e;
        } catch (SQLException e) {
            progress.bytes(before - progress.bytesCopied());
            throw new SQLException("unit " + u.unitId() + " (" + u.sourceRelation()
                    + u.predicate().map(p -> " WHERE " + p).orElse("") + ") failed: " + e.getMessage(), e.getSQLState(), e);
        }
    }

    /**
     * A ledger unit as a copier takes it. A table copied as one unit into a table godwit created is truncated and
     * loaded with COPY FREEZE in the unit's own transaction.
     */
    UnitWork work(UnitRow u, boolean single) {
        TableCopy table = tables.get(u.tableKey());
        boolean freeze = single && createdTables && !table.partitionedTarget();
        return new UnitWork(u.unitId(), u.tableKey(), table.statements(u.sourceRelation(), u.predicate(), freeze),
                freeze ? table.truncateStatement() : null);
    }

    /** Builds one table's post-data and marks it ready, in one target transaction. */
    private Void ready(String tableKey, LoadProgress progress, AtomicReference<Throwable> failure) {
        if (failure.get() != null) {
            return null;
        }
        try (Connection t = target.open("post-data")) {
            t.setAutoCommit(false);
            store.setTableState(t, tableKey, TableState.LOADED);
            SchemaScript.Group group = postData.get(tableKey);
            try (Statement s = t.createStatement()) {
                if (group != null && !createdTables && hasIndexes(t, tables.get(tableKey).targetRelation())) {
                    log.info("{}: keeps the keys and indexes the target table has ({} statements of the source's left"
                            + " out)", tableKey, group.statements().size());
                } else if (group != null) {
                    for (SchemaScript.Statement statement : group.statements()) {
                        log.debug("{}: {}", tableKey, statement.description());
                        s.execute(statement.sql());
                    }
                }
                s.execute("ANALYZE " + tables.get(tableKey).targetRelation());
            }
            store.setTableState(t, tableKey, TableState.READY);
            t.commit();
            progress.tableReady();
            log.info("table {} ready ({} post-data statements)", tableKey, group == null ? 0 : group.statements().size());
        } catch (Throwable e) {
            failure.compareAndSet(null, new SQLException("post-data of " + tableKey + " failed: " + e.getMessage(),
                    e instanceof SQLException s ? s.getSQLState() : null, e));
        }
        return null;
    }

    /**
     * A table the target kept (TRUNCATE_BEFORE_LOAD, DO_NOTHING) that has indexes is the target's own definition, which
     * those modes keep; a table godwit created has none before its post-data (which commits whole with its state).
     */
    private static boolean hasIndexes(Connection t, String relation) throws SQLException {
        try (java.sql.PreparedStatement ps = t.prepareStatement(
                "SELECT EXISTS (SELECT 1 FROM pg_index WHERE indrelid = ?::regclass)")) {
            ps.setString(1, relation);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private static java.util.concurrent.ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
