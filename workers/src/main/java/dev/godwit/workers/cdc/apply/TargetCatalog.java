package dev.godwit.workers.cdc.apply;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Set;

/**
 * What the applier needs to know of one target table from the target's catalog, each read on first need and then
 * kept (for as long as the Relation message it was read under: a new one starts a new catalog).
 */
final class TargetCatalog implements WhereClause.KeylessFacts {

    /** Reads one row of a probe's result. */
    @FunctionalInterface
    private interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /** Sets a probe's parameters. */
    @FunctionalInterface
    private interface Parameters {
        void set(PreparedStatement ps) throws SQLException;
    }

    private final Connection conn;
    private final ApplyTarget target;
    private final String table;
    private Set<String> textCompared;
    private Boolean partitioned;
    private Boolean reorderable;
    private UpdateRuns updateRuns;

    /** @param table the target table, qualified and quoted */
    TargetCatalog(Connection conn, ApplyTarget target, String table) {
        this.conn = conn;
        this.target = target;
        this.table = table;
    }

    /** Target columns whose type (through domains and arrays) has no default btree operator class. */
    @Override
    public Set<String> textCompared() throws SQLException {
        if (textCompared == null) {
            String query = """
                    SELECT a.attname
                      FROM pg_attribute a
                      JOIN pg_type t ON t.oid = a.atttypid
                      JOIN pg_type b ON b.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
                      JOIN pg_type e ON e.oid = CASE WHEN b.typcategory = 'A' AND b.typelem <> 0
                                                     THEN b.typelem ELSE b.oid END
                     WHERE a.attrelid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped
                       AND NOT EXISTS (
                           SELECT 1 FROM pg_opclass oc JOIN pg_am am ON am.oid = oc.opcmethod
                            WHERE am.amname = 'btree' AND oc.opcdefault
                              AND oc.opcintype = CASE e.typtype WHEN 'e' THEN 'anyenum'::regtype::oid
                                                                WHEN 'r' THEN 'anyrange'::regtype::oid
                                                                WHEN 'm' THEN 4537::oid
                                                                ELSE e.oid END)
                    """;
            Set<String> names = new HashSet<>();
            try (PreparedStatement ps = conn.prepareStatement(query)) {
                ps.setString(1, table);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        names.add(rs.getString(1));
                    }
                }
            }
            textCompared = names;
        }
        return textCompared;
    }

    @Override
    public boolean isPartitioned() throws SQLException {
        if (partitioned == null) {
            partitioned = probe("SELECT relkind = 'p' FROM pg_class WHERE oid = ?::regclass",
                    ps -> ps.setString(1, table), rs -> rs.getBoolean(1));
        }
        return partitioned;
    }

    /**
     * Whether this table's changes may run before or after another table's within one target transaction without
     * changing the outcome: no foreign key from or to it, no enabled user trigger, no rule, and not part of an
     * inheritance tree or a partition of another table (a partitioned table itself is fine: its rows arrive under
     * it, in order).
     */
    boolean reorderable() throws SQLException {
        if (reorderable == null) {
            reorderable = probe("""
                    SELECT NOT (c.relispartition OR c.relhasrules OR (c.relhassubclass AND c.relkind <> 'p')
                                OR EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = c.oid)
                                OR EXISTS (SELECT 1 FROM pg_trigger t
                                            WHERE t.tgrelid = c.oid AND NOT t.tgisinternal AND t.tgenabled <> 'D')
                                OR EXISTS (SELECT 1 FROM pg_constraint k
                                            WHERE k.contype = 'f' AND (k.conrelid = c.oid OR k.confrelid = c.oid)))
                      FROM pg_class c WHERE c.oid = ?::regclass""",
                    ps -> ps.setString(1, table), rs -> rs.getBoolean(1));
        }
        return reorderable;
    }

    /** How a run of key-preserving UPDATEs of this table may be sent. */
    UpdateRuns updateRuns() throws SQLException {
        if (updateRuns == null) {
            updateRuns = probe("""
                    SELECT NOT EXISTS (SELECT 1 FROM pg_index i
                                        WHERE (i.indrelid = c.oid  -- a table that is not partitioned has no tree
                                                 OR i.indrelid IN (SELECT relid FROM pg_partition_tree(c.oid)))
                                          AND (i.indisunique OR i.indisexclusion)
                                          AND (i.indexprs IS NOT NULL OR i.indpred IS NOT NULL
                                               OR EXISTS (SELECT 1 FROM pg_attribute a
                                                           WHERE a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
                                                             AND NOT a.attname = ANY (?::text[])))),
                           NOT (c.relhasrules OR EXISTS (SELECT 1 FROM pg_trigger t
                                                          WHERE t.tgrelid = c.oid AND NOT t.tgisinternal
                                                            AND t.tgenabled <> 'D'))
                      FROM pg_class c WHERE c.oid = ?::regclass""", ps -> {
                ps.setArray(1, conn.createArrayOf("text", target.keyColumns().toArray()));
                ps.setString(2, table);
            }, rs -> {
                boolean oneStatement = rs.getBoolean(1);
                return new UpdateRuns(oneStatement, oneStatement && rs.getBoolean(2));
            });
        }
        return updateRuns;
    }

    /** The one row of a probe of the table. */
    private <T> T probe(String query, Parameters parameters, Row<T> row) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(query)) {
            parameters.set(ps);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("target table " + target.qualifiedTarget() + " does not exist", "42P01");
                }
                return row.read(rs);
            }
        }
    }
}
