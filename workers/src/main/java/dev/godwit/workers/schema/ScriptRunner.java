package dev.godwit.workers.schema;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/** Runs DDL statements one by one on a connection; a failure names the statement that failed. */
public final class ScriptRunner {
    private ScriptRunner() {
    }

    public static void run(Connection connection, List<SchemaScript.Statement> statements) throws SQLException {
        try (Statement s = connection.createStatement()) {
            for (SchemaScript.Statement statement : statements) {
                try {
                    s.execute(statement.sql());
                } catch (SQLException e) {
                    throw new SQLException(statement.description() + " failed: " + e.getMessage() + " [SQL: "
                            + statement.sql() + "]", e.getSQLState(), e);
                }
            }
        }
    }
}
