package dev.godwit.orchestrator.load;

import dev.godwit.orchestrator.state.TableState;
import dev.godwit.orchestrator.state.TaskStore;
import dev.godwit.orchestrator.state.TaskStore.UnitRow;
import dev.godwit.workers.copy.CopyStatements;
import dev.godwit.workers.copy.CopyWorker;
import dev.godwit.workers.copy.RewriteCheck;
import dev.godwit.workers.pg.PgConnector;
import dev.godwit.workers.pg.ReplicaMode;
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
    private static final Logger log = LoggerFactory.getLogger(FullLoad.class);

    private final PgConnector source;
    private final PgConnector target;
    private final TaskStore store;
    private final Map<String, TableCopy> tables;
    private final Map<String, SchemaScript.Group> postData;
    private final int parallelism;
    private final boolean createdTables;
    private final Retry retry;

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
                    try (Connection s = source.open("copy"); Connection t = openCopyTarget()) {
                        Connection[] connections = {s, t};
                        UnitRow unit;
                        while (failure.get() == null && mayTakeUnit(stopRequested, paused)
                                && (unit = queue.poll()) != null) {
                            UnitRow u = unit;
                            if (rewritten.contains(u.tableKey())) {
                                continue; // the whole table is copied again under a newer snapshot
                            }
                            boolean single = unitsPerTable.get(u.tableKey()) == 1;
                            CopyWorker.CopyResult r;
                            try {
                                r = Retry.decorateCheckedSupplier(retry,
                                        () -> copyUnit(connections, snapshotName, u, single, progress)).get();
                            } catch (RewriteCheck.RelationRewritten e) {
                                rewritten.add(u.tableKey());
                                log.warn("unit {} not copied: {}", u.unitId(), e.getMessage());
                                continue;
                            }
                            progress.unitDone(r.rows());
                            log.debug("unit {} copied: {} rows, {} bytes in {} ms", u.unitId(), r.rows(), r.bytes(), r.millis());
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
        if (failure.get() != null) {
            Throwable f = failure.get();
            if (f instanceof Exception e) {
                throw e;
            }
            throw new IllegalStateException(f);
        }
        return new TreeSet<>(rewritten);
    }

    /** Waits while the load is paused; false once a stop is asked for. */
    private static boolean mayTakeUnit(BooleanSupplier stopRequested, BooleanSupplier paused) throws InterruptedException {
        while (paused.getAsBoolean() && !stopRequested.getAsBoolean()) {
            Thread.sleep(PAUSE_POLL.toMillis());
        }
        return !stopRequested.getAsBoolean();
    }

    /**
     * A target session for copy units. Tables the target kept (TRUNCATE_BEFORE_LOAD, DO_NOTHING) keep their own
     * foreign keys and triggers, which COPY would check and fire row by row while the tables load in no order: in
     * replica mode (where the role may set it; preflight blocks a kept foreign key otherwise) they stay silent, as
     * pg_restore's --disable-triggers keeps them. Tables godwit created get their keys and triggers after the data.
     */
    private Connection openCopyTarget() throws SQLException {
        Connection t = target.open("copy");
        if (!createdTables) {
            try {
                ReplicaMode.enable(t);
            } catch (SQLException | RuntimeException e) {
                t.close();
                throw e;
            }
        }
        return t;
    }

    private CopyWorker.CopyResult copyUnit(Connection[] connections, String snapshotName, UnitRow u, boolean single,
                                           LoadProgress progress) throws SQLException {
        // after a transient failure the old connections may be dead: replace them before the retry
        for (int i = 0; i < 2; i++) {
            if (connections[i].isClosed() || !connections[i].isValid(5)) {
                connections[i].close();
                connections[i] = i == 0 ? source.open("copy") : openCopyTarget();
            }
        }
        TableCopy table = tables.get(u.tableKey());
        boolean freeze = single && createdTables && !table.partitionedTarget();
        CopyStatements statements = table.statements(u.sourceRelation(), u.predicate(), freeze);
        long before = progress.bytesCopied();
        try {
            return new CopyWorker().copy(connections[0], connections[1], snapshotName, statements,
                    freeze ? table.truncateStatement() : null,
                    (c, r) -> store.unitDone(c, u.unitId(), r.rows(), r.sourceRows(), r.bytes(), r.millis()),
                    progress::bytes);
        } catch (RewriteCheck.RelationRewritten e) {
            progress.bytes(before - progress.bytesCopied());
            throw e;
        } catch (SQLException e) {
            progress.bytes(before - progress.bytesCopied());
            throw new SQLException("unit " + u.unitId() + " (" + u.sourceRelation()
                    + u.predicate().map(p -> " WHERE " + p).orElse("") + ") failed: " + e.getMessage(), e.getSQLState(), e);
        }
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
