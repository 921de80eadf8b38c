package dev.godwit.orchestrator.fallback;

import dev.godwit.workers.cdc.apply.Checkpoint;
import dev.godwit.workers.pg.Lsn;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;

/**
 * The reverse stream's checkpoint: a replication origin on the source, PostgreSQL's own record of how far a stream of
 * another server's changes was applied. The apply session takes the origin
 * ({@code pg_replication_origin_session_setup}); each applied transaction names the target's commit end LSN
 * ({@code pg_replication_origin_xact_setup}) and the server advances the origin with that transaction's commit record,
 * so data and position commit or vanish together, crash or not, and nothing needs to be written in a table of the
 * source. The origin also tags every change applied through it, so a stream that leaves out changes of an origin
 * ({@code publication … origin = none}, PostgreSQL 16+) does not send them back.
 */
final class OriginCheckpoint implements Checkpoint {
    private final Connection session;
    private final Lsn atStart;

    private OriginCheckpoint(Connection session, Lsn atStart) {
        this.session = session;
        this.atStart = atStart;
    }

    /** Takes {@code origin} for {@code session} (autocommit, no transaction open); it is released when the session ends. */
    static OriginCheckpoint take(Connection session, String origin) throws SQLException {
        try (PreparedStatement ps = session.prepareStatement("SELECT pg_replication_origin_session_setup(?)")) {
            ps.setString(1, origin);
            ps.execute();
        }
        return new OriginCheckpoint(session, progress(session, origin));
    }

    /** How far {@code origin} got, as recorded durably; {@link Lsn#INVALID} when never advanced. */
    static Lsn progress(Connection c, String origin) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_replication_origin_progress(?, true)")) {
            ps.setString(1, origin);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                String lsn = rs.getString(1);
                return lsn == null ? Lsn.INVALID : Lsn.parse(lsn);
            }
        }
    }

    /**
     * Names the target commit this source transaction carries. The transaction is also given a transaction id: only a
     * transaction with one writes a commit record, and only a commit record moves the origin, so a group whose
     * changes were all empty (a marker, a transaction of unrouted tables) still records that it was applied, and the
     * slot is never confirmed beyond the origin.
     */
    @Override
    public void write(Connection target, Lsn commitEndLsn, Instant commitTime) throws SQLException {
        try (PreparedStatement ps = target.prepareStatement("SELECT pg_replication_origin_xact_setup(?::pg_lsn, ?),"
                + " txid_current()")) {
            ps.setString(1, commitEndLsn.toString());
            ps.setTimestamp(2, Timestamp.from(commitTime));
            ps.execute();
        }
    }

    @Override
    public Lsn current() {
        return atStart;
    }

}
