package dev.godwit.orchestrator.load;

import dev.godwit.mappings.rules.ColumnMapping;
import dev.godwit.mappings.sql.SqlText;
import dev.godwit.orchestrator.plan.PlannedTable;
import dev.godwit.orchestrator.plan.SchemaPlan;
import dev.godwit.workers.catalog.Sequence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Sets target sequences to the source sequences' current positions, so the first insert on the target after cutover
 * does not collide with a migrated key: every sequence that feeds a migrated column (identity, serial, a DEFAULT
 * nextval of an owned sequence, found through the column even when the mappings renamed it), and every other
 * sequence of the selected tables' schemas — one used only through a DEFAULT nextval without OWNED BY, or only by
 * the application — under its name in the target schema its tables go to. Run at the end of the full load and again
 * at cutover; the position is read from the source at that moment.
 */
public final class SequenceSync {

    /** One sequence that was set. */
    public record Synced(String source, String target, long value, boolean called) {
    }

    /** A source sequence that could not be set on the target, and why. */
    public record Missed(String source, String reason) {
        @Override
        public String toString() {
            return source + " (" + reason + ")";
        }
    }

    /** What a sync did. */
    public record Result(List<Synced> set, List<Missed> missed) {
    }

    public Result sync(Connection source, Connection target, SchemaPlan planned) throws SQLException {
        List<Synced> done = new ArrayList<>();
        List<Missed> missed = new ArrayList<>();
        Set<String> handled = new HashSet<>();
        for (PlannedTable t : planned.plan().tables()) {
            String sourceTable = SqlText.qualified(t.source().schema(), t.source().name());
            String targetTable = SqlText.qualified(t.mapping().targetSchema(), t.mapping().targetName());
            for (ColumnMapping c : t.mapping().columns()) {
                if (c.added()) {
                    continue;
                }
                Optional<String> sourceSeq = serialSequence(source, sourceTable, c.sourceName());
                if (sourceSeq.isEmpty() || !handled.add(sourceSeq.get())) {
                    continue;
                }
                Optional<String> targetSeq = serialSequence(target, targetTable, c.targetName());
                if (targetSeq.isEmpty()) {
                    missed.add(new Missed(sourceSeq.get(), "column " + targetTable + "." + c.targetName()
                            + " has no sequence on the target"));
                    continue;
                }
                copy(source, target, sourceSeq.get(), targetSeq.get(), done, missed);
            }
        }
        Set<String> schemas = planned.sourceSchemas();
        for (Sequence s : planned.plan().catalog().sequences()) {
            String name = s.qualifiedName();
            if (s.identity() || !schemas.contains(s.schema()) || handled.contains(name)) {
                continue;
            }
            handled.add(name);
            String targetName = SqlText.qualified(planned.targetSchema(s.schema()), s.name());
            if (!exists(target, targetName)) {
                missed.add(new Missed(name, "no sequence " + targetName + " on the target"));
                continue;
            }
            copy(source, target, name, targetName, done, missed);
        }
        return new Result(done, missed);
    }

    private static void copy(Connection source, Connection target, String from, String to, List<Synced> done,
                             List<Missed> missed) throws SQLException {
        long value;
        boolean called;
        try (PreparedStatement read = source.prepareStatement("SELECT last_value, is_called FROM " + from);
             ResultSet rs = read.executeQuery()) {
            rs.next();
            value = rs.getLong(1);
            called = rs.getBoolean(2);
        } catch (SQLException e) {
            if (!"42501".equals(e.getSQLState())) {
                throw e;
            }
            missed.add(new Missed(from, "the source role may not read it: GRANT SELECT ON SEQUENCE " + from));
            return;
        }
        try (PreparedStatement set = target.prepareStatement("SELECT setval(?::regclass, ?, ?)")) {
            set.setString(1, to);
            set.setLong(2, value);
            set.setBoolean(3, called);
            set.execute();
        }
        done.add(new Synced(from, to, value, called));
    }

    private static boolean exists(Connection c, String qualified) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, qualified);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /**
     * The sequence feeding a column, spelled as {@link Sequence#qualifiedName()} spells it (both parts quoted), so a
     * sequence found through its column is not set a second time as one of its schema's sequences.
     */
    private static Optional<String> serialSequence(Connection c, String table, String column) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT n.nspname, s.relname FROM pg_class s"
                + " JOIN pg_namespace n ON n.oid = s.relnamespace WHERE s.oid = pg_get_serial_sequence(?, ?)::regclass")) {
            ps.setString(1, table);
            ps.setString(2, column);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(SqlText.qualified(rs.getString(1), rs.getString(2))) : Optional.empty();
            }
        }
    }
}
