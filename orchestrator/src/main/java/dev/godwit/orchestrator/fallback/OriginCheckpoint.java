package dev.godwit.orchestrator.fallback;

import dev.godwit.workers.cdc.apply.Checkpoint;
import dev.godwit.workers.pg.Lsn;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;

/**
 * The reverse stream's checkpoint: a replication origin on the source, PostgreSQL's own record of how far a stream of
 * another server's changes was applied. The apply session takes the origin
 * ({@code pg_replication_origin_session_setup}); each applied transaction names the target's commit end LSN
 * ({@code pg_replication_origin_xact_setup}) and the server advances the origin with that transaction's commit record,
 * so data and position commit together, and nothing needs to be written in a table of the source. The origin also tags
 * every change applied through it, so a stream that leaves out changes of an origin ({@code publication … origin =
 * none}, PostgreSQL 16+) does not send them back.
 *
 * <p><b>An abort moves the origin too.</b> On PostgreSQL 17 (not on 13) a transaction that aborts after
 * {@code pg_replication_origin_xact_setup} advances the origin to the position it named, exactly as a commit would
 * ({@code RecordTransactionAbort}), though its changes are gone: a process killed between naming the position and its
 * COMMIT left the origin beyond target transactions the source never got, and the next run skipped them (the kill
 * test lost transactions so). So the position is named in the same round trip as the COMMIT ({@link #commit}):
 * the server has both statements before it runs the first, and runs the COMMIT whatever became of the client. A
 * COMMIT that fails (an error raised at commit time) has still moved the origin; it is put back to the last committed
 * position before the failure is reported.
 */
final class OriginCheckpoint implements Checkpoint {
    private final String origin;
    private final Lsn atStart;
    /** What the source has committed through this origin: where a failed COMMIT puts the origin back to. */
    private Lsn committed;
    private Lsn named;
    private Instant namedTime;

    private OriginCheckpoint(String origin, Lsn atStart) {
        this.origin = origin;
        this.atStart = atStart;
        this.committed = atStart;
    }

    /** Takes {@code origin} for {@code session} (autocommit, no transaction open); it is released when the session ends. */
    static OriginCheckpoint take(Connection session, String origin) throws SQLException {
        try (PreparedStatement ps = session.prepareStatement("SELECT pg_replication_origin_session_setup(?)")) {
            ps.setString(1, origin);
            ps.execute();
        }
        return new OriginCheckpoint(origin, progress(session, origin));
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

    /** Remembers the target commit this source transaction carries; {@link #commit} names it to the server. */
    @Override
    public void write(Connection target, Lsn commitEndLsn, Instant commitTime) {
        this.named = commitEndLsn;
        this.namedTime = commitTime;
    }

    /**
     * Names the position and commits, in one round trip (see the class comment). The transaction is also given a
     * transaction id: only a transaction with one writes a commit record, and only a commit record moves the origin,
     * so a group whose changes were all empty (a marker, a transaction of unrouted tables) still records that it was
     * applied, and the slot is never confirmed beyond the origin.
     */
    @Override
    public void commit(Connection target) throws SQLException {
        if (named == null) {
            target.commit();
            return;
        }
        // literals, not parameters: a statement with parameters cannot share its message with the COMMIT; both
        // values are formatted here (an LSN and an ISO-8601 instant)
        String sql = "SELECT pg_replication_origin_xact_setup('" + named + "'::pg_lsn, '" + namedTime
                + "'::timestamptz), txid_current(); COMMIT";
        try (Statement s = target.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            putBack(target, e);
            throw e;
        }
        committed = named;
        named = null;
    }

    /**
     * After a failed COMMIT: the aborted transaction moved the origin to the position it named, so the origin is set
     * back to what is committed (it must be let go for that); the session no longer holds it, and its applier is done.
     */
    private void putBack(Connection target, SQLException failure) {
        try {
            target.rollback();
            try (Statement s = target.createStatement()) {
                s.execute("SELECT pg_replication_origin_session_reset()");
            }
            try (PreparedStatement ps = target.prepareStatement("SELECT pg_replication_origin_advance(?, ?::pg_lsn)")) {
                ps.setString(1, origin);
                ps.setString(2, committed.toString());
                ps.execute();
            }
            target.commit();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

    @Override
    public Lsn current() {
        return atStart;
    }

}
