package dev.godwit.workers.pg;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A snapshot exported from an ordinary transaction, for a full-load task that has no slot: every copy worker imports
 * it, so all units see one consistent state of the source. Needs no replication privilege. Held open until
 * {@link #close()}.
 */
public final class ExportedSnapshot implements AutoCloseable {
    private final Connection holder;
    private final String name;

    private ExportedSnapshot(Connection holder, String name) {
        this.holder = holder;
        this.name = name;
    }

    public static ExportedSnapshot export(PgConnector source) throws SQLException {
        Connection c = source.open("snapshot");
        try {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                try (ResultSet rs = s.executeQuery("SELECT pg_export_snapshot()")) {
                    rs.next();
                    return new ExportedSnapshot(c, rs.getString(1));
                }
            }
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /**
     * Starts the open transaction of {@code c} (autocommit off) as a repeatable-read, read-only one that sees the
     * exported snapshot {@code name}, or a snapshot of its own when {@code name} is null. The snapshot must be imported
     * before the transaction's first query.
     */
    public static void importInto(Connection c, String name) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            if (name != null) {
                s.execute("SET TRANSACTION SNAPSHOT '" + name.replace("'", "''") + "'");
            }
        }
    }

    public String name() {
        return name;
    }

    @Override
    public void close() throws SQLException {
        try {
            holder.rollback();
        } finally {
            holder.close();
        }
    }
}
