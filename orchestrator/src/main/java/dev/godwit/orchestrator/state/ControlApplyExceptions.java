package dev.godwit.orchestrator.state;

import dev.godwit.workers.cdc.apply.ApplyException;
import dev.godwit.workers.cdc.apply.ApplyExceptionLog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Changes skipped under {@code errorPolicy: log-and-continue}, in the control schema's {@code apply_exception} table,
 * written by the applier inside the target transaction of their source transaction.
 */
public final class ControlApplyExceptions implements ApplyExceptionLog {
    private final ControlSchema schema;
    private final String task;

    public ControlApplyExceptions(ControlSchema schema, String task) {
        this.schema = schema;
        this.task = task;
    }

    @Override
    public void record(Connection target, ApplyException e) throws SQLException {
        try (PreparedStatement ps = target.prepareStatement("INSERT INTO " + schema.table("apply_exception")
                + " (task, commit_lsn, table_key, row_key, operation, sqlstate, error, change)"
                + " VALUES (?, ?::pg_lsn, ?, ?, ?, ?, ?, ?::jsonb)")) {
            ps.setString(1, task);
            ps.setString(2, e.commitLsn().toString());
            ps.setString(3, e.tableKey());
            ps.setString(4, e.rowKey());
            ps.setString(5, e.operation());
            ps.setString(6, e.sqlState());
            ps.setString(7, e.error());
            ps.setString(8, e.change());
            ps.executeUpdate();
        }
    }

    /** The target tables that changes were skipped for, by their key ({@code schema.name}). */
    public java.util.Set<String> tables(Connection target) throws SQLException {
        java.util.Set<String> out = new java.util.TreeSet<>();
        try (PreparedStatement ps = target.prepareStatement("SELECT DISTINCT table_key FROM "
                + schema.table("apply_exception") + " WHERE task = ?")) {
            ps.setString(1, task);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }
}
