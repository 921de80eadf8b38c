package dev.godwit.workers.pg;

import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.util.Set;

/**
 * Decides once whether a database error is worth retrying: a lost or refused connection, a server shutting down or
 * restarting, a serialization failure or deadlock. Everything else (constraint violations, missing objects, missing
 * privileges, bad data) fails the same way every time and is not retried.
 */
public final class SqlStates {
    private static final Set<String> TRANSIENT = Set.of(
            "40001", // serialization_failure
            "40P01", // deadlock_detected
            "55P03", // lock_not_available
            "57P01", // admin_shutdown
            "57P02", // crash_shutdown
            "57P03", // cannot_connect_now (starting up, in recovery)
            "53300", // too_many_connections
            "53400"); // configuration_limit_exceeded

    private SqlStates() {
    }

    public static boolean isTransient(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientException) {
                return true;
            }
            if (t instanceof SQLException e && e.getSQLState() != null) {
                String state = e.getSQLState();
                if (state.startsWith("08") || TRANSIENT.contains(state)) {
                    return true;
                }
            }
            if (t instanceof java.io.IOException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a failure is a row that found no partition on the target ("no partition of relation … found for
     * row"): a partition the source created after the plan, which the target gets before the change is applied again.
     */
    public static boolean isMissingPartition(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && "23514".equals(s.getSQLState()) && s.getMessage() != null
                    && s.getMessage().contains("no partition of relation")) {
                return true;
            }
        }
        return false;
    }
}
