package dev.godwit.workers.validate;

import dev.godwit.workers.pg.ExportedSnapshot;
import dev.godwit.workers.pg.PgConnector;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Compares tables chunk by chunk with a fixed number of connections per side. Every source connection reads in a
 * REPEATABLE READ transaction that imports the given snapshot, so all chunks of all tables see one state of the
 * source; the caller guarantees the target holds still at that state while this runs.
 */
public final class Comparison {
    /** SQLSTATEs of a target table or column that is not there: a difference to report, not a failure. */
    private static final List<String> MISSING = List.of("42P01", "42703");

    /**
     * @param threads       connections per side, and chunks compared at once
     * @param partitionSize rows per chunk (about: the boundaries are every {@code partitionSize}-th key)
     * @param content       compare the order-free hash of row contents, not only counts
     */
    public record Options(int threads, int partitionSize, boolean content) {
        public Options {
            if (threads < 1 || partitionSize < 1) {
                throw new IllegalArgumentException("validation needs at least one thread and one row per chunk");
            }
        }
    }

    private record Pair(Connection source, Connection target) {
    }

    private final PgConnector source;
    private final PgConnector target;
    private final String snapshotName;
    private final Options options;

    /** @param snapshotName the exported snapshot every source read imports */
    public Comparison(PgConnector source, PgConnector target, String snapshotName, Options options) {
        this.source = source;
        this.target = target;
        this.snapshotName = snapshotName;
        this.options = options;
    }

    public List<TableOutcome> run(List<ValidatedTable> tables) throws SQLException, InterruptedException {
        try (Sessions sessions = new Sessions()) {
            Map<ValidatedTable, Future<List<Chunk>>> cuts = sessions.cut(tables);
            Map<ValidatedTable, List<Future<ChunkResult>>> results = new LinkedHashMap<>();
            for (Map.Entry<ValidatedTable, Future<List<Chunk>>> e : cuts.entrySet()) {
                ValidatedTable table = e.getKey();
                List<Future<ChunkResult>> futures = new ArrayList<>();
                for (Chunk chunk : get(e.getValue())) {
                    futures.add(sessions.submit(p -> compare(p, table, chunk)));
                }
                results.put(table, futures);
            }
            List<TableOutcome> out = new ArrayList<>();
            for (Map.Entry<ValidatedTable, List<Future<ChunkResult>>> e : results.entrySet()) {
                List<ChunkResult> chunks = new ArrayList<>();
                for (Future<ChunkResult> f : e.getValue()) {
                    chunks.add(get(f));
                }
                out.add(new TableOutcome(e.getKey().tableKey(), chunks));
            }
            return out;
        }
    }

    /**
     * Only cuts the tables into chunks, on the source under the snapshot, for chunks that other processes compare
     * (each with {@link #readSource} and {@link #readTarget}).
     */
    public Map<ValidatedTable, List<Chunk>> cut(List<ValidatedTable> tables) throws SQLException, InterruptedException {
        try (Sessions sessions = new Sessions()) {
            Map<ValidatedTable, List<Chunk>> out = new LinkedHashMap<>();
            for (Map.Entry<ValidatedTable, Future<List<Chunk>>> e : sessions.cut(tables).entrySet()) {
                out.put(e.getKey(), get(e.getValue()));
            }
            return out;
        }
    }

    /** {@code options.threads()} pairs of sessions, each source one in the snapshot, and the threads that use them. */
    private final class Sessions implements AutoCloseable {
        private final BlockingQueue<Pair> pool = new ArrayBlockingQueue<>(options.threads());
        private final ExecutorService executor = Executors.newFixedThreadPool(options.threads(), r -> {
            Thread t = new Thread(r, "godwit-validate");
            t.setDaemon(true);
            return t;
        });

        Sessions() throws SQLException {
            try {
                for (int i = 0; i < options.threads(); i++) {
                    pool.add(open());
                }
            } catch (SQLException | RuntimeException e) {
                close();
                throw e;
            }
        }

        Map<ValidatedTable, Future<List<Chunk>>> cut(List<ValidatedTable> tables) {
            Map<ValidatedTable, Future<List<Chunk>>> cuts = new LinkedHashMap<>();
            for (ValidatedTable table : tables) {
                cuts.put(table, submit(p -> chunks(p.source(), table)));
            }
            return cuts;
        }

        <T> Future<T> submit(PairWork<T> work) {
            return executor.submit(() -> withPair(pool, work));
        }

        @Override
        public void close() {
            executor.shutdownNow();
            for (Pair p : pool) {
                Comparison.close(p);
            }
        }
    }

    private Pair open() throws SQLException {
        Connection s = source.open("validate");
        try {
            s.setAutoCommit(false);
            ExportedSnapshot.importInto(s, snapshotName);
            return new Pair(s, target.open("validate"));
        } catch (SQLException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private static void close(Pair p) {
        try (Connection s = p.source(); Connection t = p.target()) {
            s.rollback();
        } catch (SQLException ignored) {
            // closing a read-only transaction: nothing to keep
        }
    }

    private interface PairWork<T> {
        T run(Pair pair) throws SQLException;
    }

    private static <T> T withPair(BlockingQueue<Pair> pool, PairWork<T> work) throws SQLException, InterruptedException {
        Pair p = pool.take();
        try {
            return work.run(p);
        } finally {
            pool.add(p);
        }
    }

    private static <T> T get(Future<T> f) throws SQLException, InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SQLException sql) {
                throw sql;
            }
            if (cause instanceof RuntimeException rt) {
                throw rt;
            }
            if (cause instanceof InterruptedException ie) {
                throw ie;
            }
            throw new IllegalStateException(cause);
        }
    }

    private List<Chunk> chunks(Connection s, ValidatedTable table) throws SQLException {
        if (table.key().isEmpty()) {
            return List.of(Chunk.whole());
        }
        ChunkKey key = table.key().get();
        List<String> bounds = new ArrayList<>();
        try (Statement st = s.createStatement();
             ResultSet rs = st.executeQuery(ValidationQueries.boundaries(table, key, options.partitionSize()))) {
            while (rs.next()) {
                bounds.add(rs.getString(1));
            }
        }
        return Chunk.fromBoundaries(bounds, key.nullable());
    }

    private ChunkResult compare(Pair p, ValidatedTable table, Chunk chunk) throws SQLException {
        long start = System.nanoTime();
        ChunkCount s = readSource(p.source(), ValidationQueries.sourceChunk(table, chunk, options.content()));
        ChunkCount t = readTarget(p.target(), ValidationQueries.targetChunk(table, chunk, options.content()));
        return result(table, chunk, s, t, (System.nanoTime() - start) / 1_000_000);
    }

    /** What one chunk's query ({@link ValidationQueries#sourceChunk}) finds on the source. */
    public static ChunkCount readSource(Connection source, String sql) throws SQLException {
        return count(source, sql);
    }

    /** What one chunk's query ({@link ValidationQueries#targetChunk}) finds on the target; missing if its table is. */
    public static ChunkCount readTarget(Connection target, String sql) throws SQLException {
        try {
            return count(target, sql);
        } catch (SQLException e) {
            if (!MISSING.contains(e.getSQLState())) {
                throw e;
            }
            return ChunkCount.missing();
        }
    }

    /** A chunk's comparison, named as the report names it. */
    public static ChunkResult result(ValidatedTable table, Chunk chunk, ChunkCount source, ChunkCount target, long millis) {
        return new ChunkResult(table.tableKey(), chunk, chunk.describe(table.key().map(ChunkKey::displayName)), source,
                target, millis);
    }

    private static ChunkCount count(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return new ChunkCount(rs.getLong(1), rs.getString(2));
        }
    }
}
