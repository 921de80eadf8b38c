package dev.godwit.orchestrator.fallback;

import dev.godwit.orchestrator.cutover.Fence;
import dev.godwit.workers.pg.Lsn;
import dev.godwit.workers.pg.PgConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A transactional logical decoding message written on the target ({@code pg_logical_emit_message(true, …)}, streamed
 * with the {@code messages} option of PostgreSQL 14+): a transaction of its own, with nothing to apply, that the
 * reverse stream applies like any other, so that the source's origin and the slot move with a commit.
 *
 * <p>This is how the reverse stream knows where it is without trusting an idle position: the fallback writes one
 * after fencing the target, and the source has everything the target committed once it has applied the marker; and
 * while the stream runs, one every few seconds keeps a quiet target's slot from retaining WAL (other databases,
 * godwit's own control schema) until the application's next write. Each costs the target a transaction id.
 */
final class FallbackMarker implements AutoCloseable {
    static final String PREFIX = "godwit_fallback";
    private static final Logger log = LoggerFactory.getLogger(FallbackMarker.class);

    private final ScheduledExecutorService scheduler;

    private FallbackMarker(ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
    }

    /**
     * Writes one marker and returns its position: every transaction the target committed before it commits below
     * it, and the marker's own commit ends above it.
     */
    static Lsn write(Connection target) throws SQLException {
        try (Statement s = Fence.writable(target).createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_logical_emit_message(true, '" + PREFIX + "', now()::text)")) {
            rs.next();
            return Lsn.parse(rs.getString(1));
        }
    }

    /** Writes a marker every {@code interval} on connections of its own; a failure is logged, never fatal. */
    static FallbackMarker beating(PgConnector target, Duration interval) {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "godwit-fallback-marker");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(() -> {
            try (Connection t = target.open("fallback marker")) {
                write(t);
            } catch (SQLException | RuntimeException e) {
                log.warn("fallback: could not write a marker on the target: {}", e.getMessage());
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return new FallbackMarker(scheduler);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
