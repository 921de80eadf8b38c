package dev.godwit.orchestrator.run;

import dev.godwit.mappings.rules.ColumnMapping;
import dev.godwit.mappings.sql.SqlText;
import dev.godwit.orchestrator.plan.PlannedTable;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Sets every target sequence that feeds a migrated column (identity, serial, or a DEFAULT nextval of an owned
 * sequence) to the source sequence's current position, so the first insert on the target after cutover does not
 * collide with a migrated key. Run at the end of the full load and again at cutover.
 */
final class SequenceSync {

    /** One sequence that was set. */
    record Synced(String source, String target, long value, boolean called) {
    }

    List<Synced> sync(Connection source, Connection target, List<PlannedTable> tables) throws SQLException {
        List<Synced> done = new ArrayList<>();
        for (PlannedTable t : tables) {
            String sourceTable = SqlText.qualified(t.source().schema(), t.source().name());
            String targetTable = SqlText.qualified(t.mapping().targetSchema(), t.mapping().targetName());
            for (ColumnMapping c : t.mapping().columns()) {
                if (c.added()) {
                    continue;
                }
                Optional<String> sourceSeq = serialSequence(source, sourceTable, c.sourceName());
                if (sourceSeq.isEmpty()) {
                    continue;
                }
                Optional<String> targetSeq = serialSequence(target, targetTable, c.targetName());
                if (targetSeq.isEmpty()) {
                    continue;
                }
                try (PreparedStatement read = source.prepareStatement("SELECT last_value, is_called FROM " + sourceSeq.get());
                     ResultSet rs = read.executeQuery()) {
                    rs.next();
                    long value = rs.getLong(1);
                    boolean called = rs.getBoolean(2);
                    try (PreparedStatement set = target.prepareStatement("SELECT setval(?::regclass, ?, ?)")) {
                        set.setString(1, targetSeq.get());
                        set.setLong(2, value);
                        set.setBoolean(3, called);
                        set.execute();
                    }
                    done.add(new Synced(sourceSeq.get(), targetSeq.get(), value, called));
                }
            }
        }
        return done;
    }

    private static Optional<String> serialSequence(Connection c, String table, String column) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_get_serial_sequence(?, ?)")) {
            ps.setString(1, table);
            ps.setString(2, column);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return Optional.ofNullable(rs.getString(1));
            }
        }
    }
}
