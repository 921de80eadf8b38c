package dev.godwit.orchestrator.state;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The {@code source_index} table: the plain indexes of each task table's source table, as godwit last saw them. */
public final class SourceIndexes {
    private final ControlSchema schema;
    private final String task;

    public SourceIndexes(ControlSchema schema, String task) {
        this.schema = schema;
        this.task = task;
    }

    /** By target table key; a table without an entry was never seen. */
    public Map<String, Set<String>> read(Connection c) throws SQLException {
        Map<String, Set<String>> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT table_key, name FROM " + schema.table("source_index")
                + " WHERE task = ?")) {
            ps.setString(1, task);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(rs.getString(1), k -> new TreeSet<>()).add(rs.getString(2));
                }
            }
        }
        return out;
    }

    /** Replaces what is recorded for the table (an empty set leaves the table unseen). */
    public void record(Connection c, String tableKey, Set<String> names) throws SQLException {
        ControlStatements.update(c, "DELETE FROM " + schema.table("source_index") + " WHERE task = ? AND table_key = ?",
                task, tableKey);
        for (String name : names) {
            ControlStatements.update(c, "INSERT INTO " + schema.table("source_index") + " (task, table_key, name)"
                    + " VALUES (?, ?, ?)", task, tableKey, name);
        }
    }
}
