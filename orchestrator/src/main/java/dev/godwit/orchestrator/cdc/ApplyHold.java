package dev.godwit.orchestrator.cdc;

import dev.godwit.orchestrator.state.ControlSchema;
import dev.godwit.orchestrator.state.Owners;
import dev.godwit.workers.pg.Lsn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The applier's side of a validation hold (the control table {@code apply_hold}): a request to apply every source
 * transaction that commits before a position and none at or after it, then to wait there while validation reads the
 * target. The request is read at most once a second, not per transaction; a request whose lease has expired, or
 * whose validator was a process of this machine that no longer exists, is ignored. Position 0/0 means "pause at the
 * next transaction boundary": validation asks for that first, so that the applier cannot pass the position of the
 * snapshot it then takes. A pause never lasts longer than the request's {@code max_pause} (the validation's own
 * bound): past it the applier deletes the request, says so, and goes on.
 */
final class ApplyHold {
    private static final Logger log = LoggerFactory.getLogger(ApplyHold.class);
    private static final Duration CHECK_EVERY = Duration.ofSeconds(1);
    private static final Duration WAIT_SLICE = Duration.ofMillis(200);
    /** For a request placed by a godwit that did not record a bound. */
    private static final Duration DEFAULT_MAX_PAUSE = Duration.ofMinutes(10);

    private final ControlSchema schema;
    private final String task;
    private final Connection control;
    private Optional<Lsn> position = Optional.empty();
    private Instant checked = Instant.EPOCH;

    ApplyHold(ControlSchema schema, String task, Connection control) {
        this.schema = schema;
        this.task = task;
        this.control = control;
    }

    /** Whether the transaction that commits at {@code finalLsn} must wait for the hold to be released. */
    boolean holds(Lsn finalLsn) throws SQLException {
        return atOrPastHold(finalLsn);
    }

    /**
     * With no transaction open and nothing queued: whether every transaction that commits before the hold position
     * has been received (and so applied). {@code serverWalEnd} must be read before the queue was found empty: a
     * position the server reported comes after every message before it in the stream.
     */
    boolean reachedWhileIdle(Lsn serverWalEnd) throws SQLException {
        return atOrPastHold(serverWalEnd);
    }

    private boolean atOrPastHold(Lsn position) throws SQLException {
        return current().map(h -> position.compareTo(h) >= 0).orElse(false);
    }

    /**
     * Records that the target now holds exactly the transactions before the hold position (the caller has committed
     * them) and waits until the request is withdrawn, expires, moves to another position, or a stop is asked for.
     */
    void pause(BooleanSupplier stop) throws SQLException, InterruptedException {
        Lsn at = position.orElseThrow();
        try (PreparedStatement ps = control.prepareStatement("UPDATE " + schema.table("apply_hold")
                + " SET reached_lsn = hold_lsn, reached_at = now() WHERE task = ? AND hold_lsn = ?::pg_lsn")) {
            ps.setString(1, task);
            ps.setString(2, at.toString());
            ps.executeUpdate();
        }
        log.info("cdc: holding before the source transactions committed at or after {} (validation reads the target)", at);
        long pausedSince = System.nanoTime();
        while (!stop.getAsBoolean()) {
            Thread.sleep(WAIT_SLICE.toMillis());
            Optional<Request> now = read();
            // a request that is not marked reached is a new one (moved, or placed again after a release)
            if (now.isEmpty() || !now.get().reached() || !now.get().position().equals(at)) {
                position = now.map(Request::position);
                checked = Instant.now();
                log.info("cdc: hold at {} {}", at, now.map(r -> "moved to " + r.position()).orElse("released"));
                return;
            }
            Duration paused = Duration.ofNanos(System.nanoTime() - pausedSince);
            if (paused.compareTo(now.get().maxPause()) > 0) {
                try (PreparedStatement ps = control.prepareStatement("DELETE FROM " + schema.table("apply_hold")
                        + " WHERE task = ? AND hold_lsn = ?::pg_lsn")) {
                    ps.setString(1, task);
                    ps.setString(2, at.toString());
                    ps.executeUpdate();
                }
                position = Optional.empty();
                checked = Instant.now();
                log.warn("cdc: a validation held the applier at {} for {} s, longer than its bound of {} s: the hold is"
                        + " withdrawn and CDC goes on (that validation reports its hold lapsed)", at, paused.toSeconds(),
                        now.get().maxPause().toSeconds());
                return;
            }
        }
    }

    private Optional<Lsn> current() throws SQLException {
        if (Duration.between(checked, Instant.now()).compareTo(CHECK_EVERY) >= 0) {
            position = read().map(Request::position);
            checked = Instant.now();
        }
        return position;
    }

    private record Request(Lsn position, boolean reached, Duration maxPause) {
    }

    private Optional<Request> read() throws SQLException {
        try (PreparedStatement ps = control.prepareStatement("SELECT hold_lsn::text, reached_at IS NOT NULL, holder,"
                + " coalesce(extract(epoch FROM max_pause), " + DEFAULT_MAX_PAUSE.toSeconds() + ")::bigint FROM "
                + schema.table("apply_hold") + " WHERE task = ? AND expires_at > now()")) {
            ps.setString(1, task);
            try (ResultSet rs = ps.executeQuery()) {
                // a validation that died on this machine (a crash of the process that ran the task) holds nothing
                if (!rs.next() || Owners.deadOnThisHost(rs.getString(3))) {
                    return Optional.empty();
                }
                return Optional.of(new Request(Lsn.parse(rs.getString(1)), rs.getBoolean(2),
                        Duration.ofSeconds(rs.getLong(4))));
            }
        }
    }
}
