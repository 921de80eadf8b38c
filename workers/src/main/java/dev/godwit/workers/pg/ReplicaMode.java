package dev.godwit.workers.pg;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * {@code session_replication_role = replica} for the session that applies replicated changes, as PostgreSQL's own
 * apply worker runs: the target's ordinary triggers, rules and foreign-key actions do not fire, so a cascade or a
 * trigger's write that the source already made and replicated is not made a second time (triggers marked
 * {@code ENABLE REPLICA} or {@code ENABLE ALWAYS} still fire). Setting it takes a superuser, {@code rds_superuser},
 * or on PostgreSQL 15 and later {@code GRANT SET ON PARAMETER session_replication_role}.
 */
public final class ReplicaMode {
    private static final String INSUFFICIENT_PRIVILEGE = "42501";

    private ReplicaMode() {
    }

    /**
     * Sets replica mode for this session (committed at once when the session is in a transaction).
     *
     * @return false when the role may not set it: the session is left as it was
     */
    public static boolean enable(Connection session) throws SQLException {
        try (Statement s = session.createStatement()) {
            s.execute("SET session_replication_role = replica");
        } catch (SQLException e) {
            if (!INSUFFICIENT_PRIVILEGE.equals(e.getSQLState())) {
                throw e;
            }
            if (!session.getAutoCommit()) {
                session.rollback();
            }
            return false;
        }
        if (!session.getAutoCommit()) {
            session.commit();
        }
        return true;
    }

    /** Whether the session's role may set replica mode; changes nothing. */
    public static boolean allowed(Connection session) throws SQLException {
        boolean auto = session.getAutoCommit();
        session.setAutoCommit(false);
        try (Statement s = session.createStatement()) {
            s.execute("SET LOCAL session_replication_role = replica");
            return true;
        } catch (SQLException e) {
            if (!INSUFFICIENT_PRIVILEGE.equals(e.getSQLState())) {
                throw e;
            }
            return false;
        } finally {
            session.rollback();
            session.setAutoCommit(auto);
        }
    }
}
