package dev.godwit.orchestrator.state;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The control schema's {@code source_column} table: per target table of a task, the source column (by attnum) each
 * of its columns follows, under the source name the target last followed. The applier reads and writes it through
 * its own session, so a column DDL it follows and the record of it commit in one target transaction.
 */
public final class ControlSourceColumns {
    private final ControlSchema schema;
    private final String task;

    public ControlSourceColumns(ControlSchema schema, String task) {
        this.schema = schema;
        this.task = task;
    }

    /** attnum → source name, for {@code tableKey}; empty when nothing is recorded. */
    public Map<Integer, String> recorded(Connection c, String tableKey) throws SQLException {
        Map<Integer, String> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT attnum, column_name FROM " + schema.table("source_column")
                + " WHERE task = ? AND table_key = ?")) {
            ps.setString(1, task);
            ps.setString(2, tableKey);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getInt(1), rs.getString(2));
                }
            }
        }
        return out;
    }

    /** The tables that have a record. */
    public Set<String> tables(Connection c) throws SQLException {
        Set<String> out = new java.util.HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT table_key FROM " + schema.table("source_column")
                + " WHERE task = ?")) {
            ps.setString(1, task);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /** Records (or re-records) that {@code tableKey} follows source column {@code attnum} as {@code name}. */
    public void put(Connection c, String tableKey, int attnum, String name) throws SQLException {
        putAll(c, tableKey, Map.of(attnum, name));
    }

    /** {@link #put} for many columns of a table, in one round trip. */
    public void putAll(Connection c, String tableKey, Map<Integer, String> columns) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + schema.table("source_column")
                + " (task, table_key, attnum, column_name) VALUES (?, ?, ?, ?)"
                + " ON CONFLICT (task, table_key, attnum) DO UPDATE SET column_name = excluded.column_name")) {
            for (Map.Entry<Integer, String> e : columns.entrySet()) {
                ps.setString(1, task);
                ps.setString(2, tableKey);
                ps.setInt(3, e.getKey());
                ps.setString(4, e.getValue());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    public void remove(Connection c, String tableKey, int attnum) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + schema.table("source_column")
                + " WHERE task = ? AND table_key = ? AND attnum = ?")) {
            ps.setString(1, task);
            ps.setString(2, tableKey);
            ps.setInt(3, attnum);
            ps.executeUpdate();
        }
    }
}
