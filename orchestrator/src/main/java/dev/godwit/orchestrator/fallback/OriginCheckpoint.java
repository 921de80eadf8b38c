package dev.godwit.orchestrator.fallback;

import dev.godwit.workers.cdc.apply.Checkpoint;
import dev.godwit.workers.pg.Lsn;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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

    @Override
    public void write(Connection target, Lsn commitEndLsn, Instant commitTime) throws SQLException {
        try (PreparedStatement ps = target.prepareStatement("SELECT pg_replication_origin_xact_setup(?::pg_lsn, ?)")) {
            ps.setString(1, commitEndLsn.toString());
            ps.setTimestamp(2, Timestamp.from(commitTime));
            ps.execute();
        }
    }

    @Override
    public Lsn current() {
        return atStart;
    }

    /**
     * Moves the origin to a position the stream reached with nothing to apply (changes only to tables outside the
     * publication, such as godwit's control schema), in a transaction of its own that the origin's progress commits
     * with: the transaction gets a transaction id only so that it has a commit record to carry the position. The
     * session must have no transaction open.
     */
    void advanceIdle(Lsn position, Instant at) throws SQLException {
        boolean autoCommit = session.getAutoCommit();
        session.setAutoCommit(false);
        try (Statement s = session.createStatement()) {
            write(session, position, at);
            s.execute("SELECT txid_current()");
            session.commit();
        } catch (SQLException e) {
            session.rollback();
            throw e;
        } finally {
            session.setAutoCommit(autoCommit);
        }
    }
}
