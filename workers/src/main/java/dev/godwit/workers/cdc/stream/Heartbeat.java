package dev.godwit.workers.cdc.stream;

import dev.godwit.workers.pg.PgConnector;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a small non-transactional logical decoding message into the source database at a fixed interval:
 * {@code pg_logical_emit_message(false, 'godwit_heartbeat', now()::text)}. It gives a quiet source WAL of its own, so
 * the stream's keepalives move and the idle rule can confirm them, and with the stream's {@code messages} option
 * (PostgreSQL 14+) the consumer receives it as a {@code LogicalMessage} carrying the source's clock, for lag.
 *
 * <p>Privileges: the function has no check of its own and EXECUTE is granted to PUBLIC on every version godwit
 * supports (verified by {@code HeartbeatIT} with a role that is neither superuser nor replication), so any role that
 * can connect can emit it. Should a DBA have revoked it, or the connection fail, each failure is a logged warning
 * (once per distinct message, until a beat succeeds again) and never stops the migration; the next beat retries on a
 * fresh connection.
 */
public final class Heartbeat implements AutoCloseable {
    public static final String PREFIX = "godwit_heartbeat";

    private static final Logger LOG = LoggerFactory.getLogger(Heartbeat.class);
    private static final String EMIT = "SELECT pg_logical_emit_message(false, '" + PREFIX + "', now()::text)";

    private final PgConnector source;
    private final ScheduledExecutorService scheduler;
    private final AtomicLong emitted = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private Connection connection;
    private String lastProblem;

    private Heartbeat(PgConnector source) {
        this.source = source;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "godwit-heartbeat");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts beating now and then every {@code interval}, on a connection of its own. */
    public static Heartbeat start(PgConnector source, Duration interval) {
        Objects.requireNonNull(source, "source");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("heartbeat interval must be positive, got " + interval);
        }
        Heartbeat heartbeat = new Heartbeat(source);
        heartbeat.scheduler.scheduleWithFixedDelay(heartbeat::beat, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return heartbeat;
    }

    /** Heartbeats written so far. */
    public long emitted() {
        return emitted.get();
    }

    /** Attempts that failed so far (each logged as a warning once per distinct problem). */
    public long failed() {
        return failed.get();
    }

    private void beat() {
        try {
            if (connection == null || connection.isClosed()) {
                connection = source.open("heartbeat");
            }
            try (Statement s = connection.createStatement()) {
                s.execute(EMIT);
            }
            emitted.incrementAndGet();
            if (lastProblem != null) {
                LOG.info("heartbeat on the source works again");
                lastProblem = null;
            }
        } catch (SQLException | RuntimeException e) {
            failed.incrementAndGet();
            String problem = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (e instanceof SQLException sql && "42501".equals(sql.getSQLState())) {
                problem += " (EXECUTE on pg_logical_emit_message was revoked from PUBLIC: grant its text variant to "
                        + "the source role, e.g. GRANT EXECUTE ON FUNCTION pg_logical_emit_message(boolean, text, text)"
                        + " TO <role>, with a fourth boolean argument on PostgreSQL 17+)";
            }
            if (!problem.equals(lastProblem)) {
                LOG.warn("heartbeat on the source failed; the migration goes on, progress on a quiet source may "
                        + "show late: {}", problem);
                lastProblem = problem;
            }
            closeConnection();
        }
    }

    private void closeConnection() {
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (SQLException ignored) {
            // a broken heartbeat connection needs no clean close
        }
        connection = null;
    }

    /** Stops beating (waiting a few seconds for a beat in progress) and closes the connection. */
    @Override
    public void close() {
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(5, TimeUnit.SECONDS)) {
                scheduler.shutdownNow();
            }
        } catch (InterruptedException e) {
            scheduler.shutdownNow();
            Thread.currentThread().interrupt();
        }
        closeConnection();
    }
}
