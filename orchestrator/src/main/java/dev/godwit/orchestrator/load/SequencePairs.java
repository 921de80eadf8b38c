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
 * Which source sequence is which target sequence: the one feeding each migrated column (identity, serial, a DEFAULT
 * nextval of an owned sequence), found through the column on each side even when the mappings renamed it, and every
 * other sequence of the selected tables' schemas (used only through a DEFAULT nextval without OWNED BY, or only by the
 * application) under its name in the target schema its tables go to. {@link SequenceSync} sets the target's from these
 * pairs; the fallback moves the source's up from them.
 */
public final class SequencePairs {
    private SequencePairs() {
    }

    /** A source sequence and its target twin, both quoted as {@link Sequence#qualifiedName()} spells them. */
    public record Pair(String source, String target) {
    }

    /** A source sequence with no twin on the target, and why. */
    public record Unpaired(String source, String reason) {
        @Override
        public String toString() {
            return source + " (" + reason + ")";
        }
    }

    public record Result(List<Pair> pairs, List<Unpaired> unpaired) {
    }

    public static Result find(Connection source, Connection target, SchemaPlan planned) throws SQLException {
        List<Pair> pairs = new ArrayList<>();
        List<Unpaired> unpaired = new ArrayList<>();
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
                    unpaired.add(new Unpaired(sourceSeq.get(), "column " + targetTable + "." + c.targetName()
                            + " has no sequence on the target"));
                    continue;
                }
                pairs.add(new Pair(sourceSeq.get(), targetSeq.get()));
            }
        }
        Set<String> schemas = planned.sourceSchemas();
        for (Sequence s : planned.plan().catalog().sequences()) {
            if (s.identity() || !schemas.contains(s.schema()) || !handled.add(s.qualifiedName())) {
                continue;
            }
            String targetName = SqlText.qualified(planned.targetSchema(s.schema()), s.name());
            if (!exists(target, targetName)) {
                unpaired.add(new Unpaired(s.qualifiedName(), "no sequence " + targetName + " on the target"));
                continue;
            }
            pairs.add(new Pair(s.qualifiedName(), targetName));
        }
        return new Result(pairs, unpaired);
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
     * sequence found through its column is not paired a second time as one of its schema's sequences.
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
