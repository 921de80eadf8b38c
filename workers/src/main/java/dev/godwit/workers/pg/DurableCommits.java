package dev.godwit.workers.pg;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Makes a target session's COMMIT return only once the commit is flushed to the target's WAL.
 *
 * <p>A position may be confirmed to the source slot only when the target transaction that holds it survives a crash of
 * the target: the slot then lets go of that WAL for good. Under {@code synchronous_commit = off} (a common setting on
 * a migration target) a COMMIT returns before the commit record is on disk, so a target crash could lose transactions
 * that the slot no longer holds. Raising the setting for godwit's own sessions costs one WAL flush per target
 * transaction, which group commit shares among many source transactions; stronger settings that the target already
 * has ({@code local}, {@code on}, {@code remote_write}, {@code remote_apply}) are kept as they are.
 */
public final class DurableCommits {
    private DurableCommits() {
    }

    /**
     * Raises {@code synchronous_commit} from {@code off} to {@code on} for this session (committed at once, so a
     * later rollback does not undo it).
     *
     * @return the setting the session had before
     */
    public static String ensure(Connection session) throws SQLException {
        String before;
        try (Statement s = session.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT current_setting('synchronous_commit')")) {
                rs.next();
                before = rs.getString(1);
            }
            if ("off".equals(before)) {
                s.execute("SET synchronous_commit = on");
            }
        }
        if (!session.getAutoCommit()) {
            session.commit();
        }
        return before;
    }
}
