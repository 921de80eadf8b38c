package dev.godwit.orchestrator.load;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Empties target tables before they are copied again (a reload, a table rewritten during the load), in the caller's
 * transaction: TRUNCATE for all of them together, except a table that a foreign key of a table left as it is points
 * at, which TRUNCATE refuses: that one is emptied by DELETE, which only replica mode keeps from checking or cascading.
 */
final class TargetEmptying {
    private TargetEmptying() {
    }

    static void empty(Connection t, List<TableCopy> tables) throws SQLException {
        Set<String> referenced = referencedFromOutside(t, tables);
        List<String> truncate = new ArrayList<>();
        try (Statement st = t.createStatement()) {
            for (TableCopy copy : tables) {
                if (referenced.contains(copy.targetRelation())) {
                    st.execute("DELETE FROM " + copy.targetRelation());
                } else {
                    truncate.add(copy.truncateTarget());
                }
            }
            if (!truncate.isEmpty()) {
                st.execute("TRUNCATE " + String.join(", ", truncate));
            }
        }
    }

    /** The target relations (as TableCopy quotes them) that foreign keys of tables not in {@code tables} point at. */
    static Set<String> referencedFromOutside(Connection t, List<TableCopy> tables) throws SQLException {
        List<String> relations = tables.stream().map(TableCopy::targetRelation).toList();
        Set<String> out = new TreeSet<>();
        try (PreparedStatement ps = t.prepareStatement("SELECT r.name FROM unnest(?::text[]) r(name)"
                + " WHERE EXISTS (SELECT FROM pg_constraint c WHERE c.contype = 'f'"
                + " AND c.confrelid = r.name::regclass"
                + " AND c.conrelid <> ALL (SELECT x::regclass FROM unnest(?::text[]) x))")) {
            ps.setArray(1, t.createArrayOf("text", relations.toArray()));
            ps.setArray(2, t.createArrayOf("text", relations.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }
}
