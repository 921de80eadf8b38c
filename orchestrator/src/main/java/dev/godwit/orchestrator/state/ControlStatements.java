package dev.godwit.orchestrator.state;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** Writes to the control schema whose parameters are all text (names, LSNs, owners), bound in order. */
public final class ControlStatements {
    private ControlStatements() {
    }

    public static void update(Connection c, String sql, String... values) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                ps.setString(i + 1, values[i]);
            }
            ps.executeUpdate();
        }
    }
}
