package dev.godwit.orchestrator.scaleout;

import dev.godwit.orchestrator.load.UnitCopier;
import dev.godwit.orchestrator.state.ValidationChunks;
import dev.godwit.workers.pg.ExportedSnapshot;
import dev.godwit.workers.pg.PgConnector;
import dev.godwit.workers.pg.SqlStates;
import dev.godwit.workers.validate.ChunkCount;
import dev.godwit.workers.validate.Comparison;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Compares the validation chunks Quartz hands this process: takes each one's lease, waits while another live holder's
 * lease runs, reads the source under the validation's snapshot and the target (which the validation holds at that
 * position), and records both counts under the epoch it took, or the error it gave up on. Keeps a source and a target
 * session per Quartz thread between chunks.
 */
final class ChunkRunner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ChunkRunner.class);
    /** Attempts at a chunk that fails with a transient error (a lost connection, a server restart). */
    private static final int ATTEMPTS = 3;
    /** The longest wait before looking again at a chunk another holder's lease keeps. */
    private static final Duration HELD_POLL = Duration.ofSeconds(2);

    private final PgConnector source;
    private final PgConnector target;
    private final ValidationChunks chunks;
    private final String workerId;
    private final ConcurrentLinkedQueue<Sessions> idle = new ConcurrentLinkedQueue<>();
    private final Set<String> inHand = ConcurrentHashMap.newKeySet();
    private final AtomicLong compared = new AtomicLong();

    ChunkRunner(PgConnector source, PgConnector target, ValidationChunks chunks, String workerId) {
        this.source = source;
        this.target = target;
        this.chunks = chunks;
        this.workerId = workerId;
    }

    /** The chunks this process is comparing now, as status names them. */
    List<String> inHand() {
        return List.copyOf(inHand);
    }

    long chunksCompared() {
        return compared.get();
    }

    void run(long runId, String tableKey, int ordinal, boolean recovering) throws InterruptedException {
        String name = "chunk " + ordinal + " of " + tableKey + " (validation " + runId + ")";
        if (recovering) {
            log.info("{}: compared again, its worker having been declared dead", name);
        }
        Sessions sessions = null;
        ValidationChunks.Take take;
        try {
            sessions = borrow();
            while ((take = chunks.take(sessions.target, runId, tableKey, ordinal, workerId, UnitCopier.LEASE))
                    instanceof ValidationChunks.Take.Held held) {
                log.debug("{} is leased by {} for {} ms more: waiting", name, held.owner(), held.left().toMillis());
                Thread.sleep(Math.min(HELD_POLL.toMillis(), held.left().toMillis() + 100));
            }
        } catch (SQLException | RuntimeException e) {
            // not taken: the chunk's job is run again where a node dies, else the validation sees it untaken
            log.warn("{} not taken: {}", name, e.getMessage());
            if (sessions != null) {
                sessions.close();
            }
            return;
        }
        if (take instanceof ValidationChunks.Take.Gone gone) {
            log.info("{} not taken: it is {}", name, gone.state());
            idle.add(sessions);
            return;
        }
        ValidationChunks.Take.Taken taken = (ValidationChunks.Take.Taken) take;
        inHand.add(name);
        try {
            idle.add(compare(sessions, name, runId, tableKey, ordinal, taken));
        } catch (SQLException | RuntimeException e) {
            // recorded, or the heartbeat would renew the lease of a chunk nobody compares
            log.warn("{} given up: {}", name, e.getMessage());
            try (Connection c = target.open("control")) {
                chunks.failed(c, runId, tableKey, ordinal, taken.epoch(), e.getMessage());
            } catch (SQLException | RuntimeException recording) {
                log.warn("{}: the failure could not be recorded ({}); its lease lapses once this process ends",
                        name, recording.getMessage());
            }
        } finally {
            inHand.remove(name);
        }
    }

    /**
     * Reads both sides and records them under the epoch taken, trying again after a transient error.
     *
     * @return sessions to use again (the ones given are closed after an error)
     */
    private Sessions compare(Sessions sessions, String name, long runId, String tableKey, int ordinal,
                             ValidationChunks.Take.Taken taken) throws SQLException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            long start = System.nanoTime();
            try {
                ChunkCount s = sessions.readSource(taken.snapshot(), taken.sourceSql());
                ChunkCount t = Comparison.readTarget(sessions.target, taken.targetSql());
                long millis = (System.nanoTime() - start) / 1_000_000;
                if (chunks.done(sessions.target, runId, tableKey, ordinal, taken.epoch(), s.rows(), s.hash(), t.rows(),
                        t.hash(), millis)) {
                    compared.incrementAndGet();
                    log.info("{} compared by {}: {} source rows, {} target rows in {} ms", name, workerId, s.rows(),
                            t.rows(), millis);
                } else {
                    log.warn("late duplicate refused: {} was compared or taken again since epoch {} was taken here",
                            name, taken.epoch());
                }
                return sessions;
            } catch (SQLException e) {
                sessions.close();
                if (attempt >= ATTEMPTS || !SqlStates.isTransient(e)) {
                    throw e;
                }
                log.warn("{} is compared again by {} after a transient error (attempt {}): {}", name, workerId,
                        attempt, e.getMessage());
                Thread.sleep(1000L << (attempt - 1));
                sessions = new Sessions();
            }
        }
    }

    private Sessions borrow() throws SQLException {
        Sessions s = idle.poll();
        return s != null ? s : new Sessions();
    }

    @Override
    public void close() {
        Sessions s;
        while ((s = idle.poll()) != null) {
            s.close();
        }
    }

    /** A source session (each chunk read in a transaction of its own, in the chunk's snapshot) and a target one. */
    private final class Sessions {
        final Connection source;
        final Connection target;

        Sessions() throws SQLException {
            Connection s = ChunkRunner.this.source.open("validate");
            try {
                s.setAutoCommit(false);
                this.target = ChunkRunner.this.target.open("validate");
            } catch (SQLException | RuntimeException e) {
                s.close();
                throw e;
            }
            this.source = s;
        }

        ChunkCount readSource(String snapshot, String sql) throws SQLException {
            try {
                ExportedSnapshot.importInto(source, snapshot);
                return Comparison.readSource(source, sql);
            } finally {
                source.rollback();
            }
        }

        void close() {
            try (Connection s = source; Connection t = target) {
                // both closed; nothing was written
            } catch (SQLException ignored) {
                // closing
            }
        }
    }
}
