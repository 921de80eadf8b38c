package dev.godwit.workers.cdc.apply;

import dev.godwit.mappings.sql.SqlText;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;

/**
 * DDL and catalog reads on the applier's session, inside its open transaction, after everything pending in the
 * pipeline has been sent: so a table is altered exactly between the changes before and after it.
 */
final class TargetDdl {
    private final Connection conn;
    private final StatementPipeline pipeline;

    TargetDdl(Connection conn, StatementPipeline pipeline) {
        this.conn = conn;
        this.pipeline = pipeline;
    }

    void execute(List<String> statements) throws SQLException {
        pipeline.flush();
        try (Statement s = conn.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    /** The type of {@code column} of {@code target}'s table, if the table has it. */
    Optional<String> columnType(ApplyTarget target, String column) throws SQLException {
        pipeline.flush();
        try (PreparedStatement ps = conn.prepareStatement("SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
                + " WHERE attrelid = ?::regclass AND attname = ? AND attnum > 0 AND NOT attisdropped")) {
            ps.setString(1, SqlText.qualified(target.targetSchema(), target.targetName()));
            ps.setString(2, column);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }
}
