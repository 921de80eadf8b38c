package dev.godwit.orchestrator.cdc;

import dev.godwit.mappings.task.StopAt;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage;
import dev.godwit.workers.pg.Lsn;
import dev.godwit.workers.pg.PgConnector;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Decides, for a stream in commit order, where CDC stops by itself ({@link StopAt}): before the first transaction
 * that commits after the point, or, when no transaction comes, once every transaction committed up to the point is
 * known to be applied. For an LSN that is when the applied or idle position reaches it. For a time it is when the
 * source's own clock has passed it: the source's WAL position read at that moment is beyond every commit made until
 * the point, so the stream reaching it proves nothing of those commits is still to come.
 */
final class StopPoint {
    private static final Duration ASK_SOURCE_EVERY = Duration.ofSeconds(1);

    private final Supplier<Optional<StopAt>> wanted;
    private final PgConnector source;
    private StopAt derivedFor;
    private Lsn timeReachedAt = Lsn.INVALID;
    private Instant asked = Instant.EPOCH;

    StopPoint(Supplier<Optional<StopAt>> wanted, PgConnector source) {
        this.wanted = wanted;
        this.source = source;
    }

    static StopPoint none() {
        return new StopPoint(Optional::empty, null);
    }

    Optional<StopAt> current() {
        return wanted.get();
    }

    /** Whether this transaction commits after the stop point: it is not applied. */
    boolean after(PgOutputMessage.Begin begin) {
        StopAt point = wanted.get().orElse(null);
        if (point instanceof StopAt.Position p) {
            return begin.finalLsn().compareTo(Lsn.parse(p.lsn())) > 0;
        }
        return point instanceof StopAt.Time t && begin.commitTime().isAfter(t.at());
    }

    /** With no transaction in progress: whether everything committed up to the point is applied ({@code done}). */
    boolean reached(Lsn done) throws SQLException {
        StopAt point = wanted.get().orElse(null);
        if (point == null || !done.isValid()) {
            return false;
        }
        if (point instanceof StopAt.Position p) {
            return done.compareTo(Lsn.parse(p.lsn())) >= 0;
        }
        StopAt.Time time = (StopAt.Time) point;
        if (!point.equals(derivedFor)) {
            derivedFor = point;
            timeReachedAt = Lsn.INVALID;
        }
        if (!timeReachedAt.isValid() && Duration.between(asked, Instant.now()).compareTo(ASK_SOURCE_EVERY) >= 0) {
            asked = Instant.now();
            timeReachedAt = sourcePositionOnceClockPassed(time.at());
        }
        return timeReachedAt.isValid() && done.compareTo(timeReachedAt) >= 0;
    }

    private Lsn sourcePositionOnceClockPassed(Instant at) throws SQLException {
        try (Connection s = source.open("stop point");
             PreparedStatement ps = s.prepareStatement("SELECT clock_timestamp() > ?, pg_current_wal_lsn()::text")) {
            ps.setTimestamp(1, Timestamp.from(at));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1) ? Lsn.parse(rs.getString(2)) : Lsn.INVALID;
            }
        }
    }
}
