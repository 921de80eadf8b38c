package dev.godwit.workers.cdc.apply;

import dev.godwit.mappings.sql.SqlText;
import dev.godwit.workers.cdc.pgoutput.ColumnValue;
import dev.godwit.workers.cdc.pgoutput.TupleData;
import java.sql.SQLException;
import java.util.Set;

/**
 * The WHERE clause that finds the row of an UPDATE or DELETE. With key columns: {@code key = value} (keys are NOT NULL
 * and indexed). Without: the first row whose identifying columns are NOT DISTINCT FROM the image's values, by ctid, so
 * exactly one of several identical rows changes; types without a btree equality (json, point, xml, composites…)
 * compare as text of the target type, both sides formatted by the same output function.
 */
final class WhereClause {

    /** What finding a row of a target table without a key needs to know of that table; asked only then. */
    interface KeylessFacts {
        /** Target columns whose type has no default btree operator class: compared as text. */
        Set<String> textCompared() throws SQLException;

        /** Whether the target table is partitioned: a ctid is then unique only with the tableoid. */
        boolean isPartitioned() throws SQLException;
    }

    private final ColumnMap columns;
    private final KeylessFacts facts;

    WhereClause(ColumnMap columns, KeylessFacts facts) {
        this.columns = columns;
        this.facts = facts;
    }

    /**
     * Appends the WHERE clause (after the set form's FROM mark).
     *
     * @param image the row image the values come from
     * @param old   whether that is the old row image
     */
    void append(StatementBuilder sql, RowIdentity identity, TupleData image, boolean old) throws SQLException {
        sql.from().append(" WHERE ");
        if (!columns.target().keyColumns().isEmpty()) {
            byKey(sql, identity, old);
        } else {
            byRow(sql, identity, image, old);
        }
    }

    private void byKey(StatementBuilder sql, RowIdentity identity, boolean old) throws SQLException {
        String sep = "";
        for (String key : columns.target().keyColumns()) {
            int i = columns.indexOfTarget(key);
            if (i < 0) {
                throw new SQLException("key column " + key + " of " + columns.target().qualifiedTarget()
                        + " is not in the source relation " + columns.relation().qualifiedName(), "42703");
            }
            if (identity == RowIdentity.KEY && !columns.relation().columns().get(i).isKey()) {
                throw new SQLException("key column " + key + " of " + columns.target().qualifiedTarget()
                        + " is not part of the replica identity of " + columns.relation().qualifiedName()
                        + ", so the old key is not sent; set the source's REPLICA IDENTITY to the same key", "55000");
            }
            sql.append(sep).append("tgt.").append(SqlText.identifier(key)).append(" = ")
                    .keyParam(old, i, columns.written(i).targetType());
            sep = " AND ";
        }
    }

    private void byRow(StatementBuilder sql, RowIdentity identity, TupleData image, boolean old)
            throws SQLException {
        Set<String> asText = facts.textCompared();
        boolean byTableoid = facts.isPartitioned();
        sql.append(byTableoid ? "(tgt.tableoid, tgt.ctid) = (SELECT tableoid, ctid" : "tgt.ctid = (SELECT ctid")
                .append(" FROM ").append(columns.table()).append(" WHERE ");
        String sep = "";
        int conditions = 0;
        for (int i = 0; i < columns.size(); i++) {
            ApplyTarget.Column c = columns.written(i);
            boolean meaningful = identity == RowIdentity.OLD_ROW || columns.relation().columns().get(i).isKey();
            if (c == null || !meaningful || image.get(i) instanceof ColumnValue.UnchangedToast) {
                continue;
            }
            String column = SqlText.identifier(c.targetName());
            sql.append(sep);
            if (asText.contains(c.targetName())) {
                sql.append(column).append("::text IS NOT DISTINCT FROM (").param(old, i, c.targetType())
                        .append(")::text");
            } else {
                sql.append(column).append(" IS NOT DISTINCT FROM ").param(old, i, c.targetType());
            }
            sep = " AND ";
            conditions++;
        }
        if (conditions == 0 && columns.size() == 0) {
            sql.append("true"); // a table without columns: any of its rows is the row
        } else if (conditions == 0) {
            throw new SQLException("no column identifies rows of " + columns.relation().qualifiedName() + " on "
                    + columns.target().qualifiedTarget() + ": it has neither a target key nor a replica identity",
                    "55000");
        }
        sql.append(" LIMIT 1)");
    }
}
