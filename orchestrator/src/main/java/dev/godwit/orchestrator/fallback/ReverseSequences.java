package dev.godwit.orchestrator.fallback;

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
 * At the fallback, the source's sequences are moved up to the target's, so that the first insert on the source after
 * it does not collide with a key the new primary handed out: the sequence of every migrated column (found through the
 * column, on each side under its own name), and every other sequence of the selected schemas under the name the
 * cutover set it by. A source sequence already ahead of its target twin keeps its position: it is never moved back.
 */
final class ReverseSequences {

    /** What the sync did: one line per sequence moved, and the sequences it could not find on one side. */
    record Result(List<String> moved, List<String> missed) {
    }

    private record Position(long value, boolean called) {
        boolean ahead(Position other) {
            return value > other.value || (value == other.value && called && !other.called);
        }
    }

    Result sync(Connection target, Connection source, SchemaPlan planned) throws SQLException {
        List<String> moved = new ArrayList<>();
        List<String> missed = new ArrayList<>();
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
                    missed.add(sourceSeq.get() + " (column " + targetTable + "." + c.targetName() + " has no sequence on"
                            + " the target)");
                    continue;
                }
                move(target, source, targetSeq.get(), sourceSeq.get()).ifPresent(moved::add);
            }
        }
        Set<String> schemas = planned.sourceSchemas();
        for (Sequence s : planned.plan().catalog().sequences()) {
            if (s.identity() || !schemas.contains(s.schema()) || !handled.add(s.qualifiedName())) {
                continue;
            }
            String targetName = SqlText.qualified(planned.targetSchema(s.schema()), s.name());
            if (!exists(target, targetName)) {
                missed.add(s.qualifiedName() + " (no sequence " + targetName + " on the target)");
                continue;
            }
            move(target, source, targetName, s.qualifiedName()).ifPresent(moved::add);
        }
        return new Result(moved, missed);
    }

    private static Optional<String> move(Connection target, Connection source, String from, String to) throws SQLException {
        Position there = position(target, from);
        Position here = position(source, to);
        if (!there.ahead(here)) {
            return Optional.empty();
        }
        try (PreparedStatement set = source.prepareStatement("SELECT setval(?::regclass, ?, ?)")) {
            set.setString(1, to);
            set.setLong(2, there.value());
            set.setBoolean(3, there.called());
            set.execute();
        }
        return Optional.of(to + " = " + there.value() + (there.called() ? "" : " (not yet called)"));
    }

    private static Position position(Connection c, String sequence) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT last_value, is_called FROM " + sequence);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return new Position(rs.getLong(1), rs.getBoolean(2));
        }
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

    /** The sequence feeding a column, both parts quoted (as {@link Sequence#qualifiedName()} spells it). */
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
