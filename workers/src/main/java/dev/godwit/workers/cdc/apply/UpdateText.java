package dev.godwit.workers.cdc.apply;

import dev.godwit.mappings.sql.SqlText;
import dev.godwit.workers.cdc.pgoutput.ColumnValue;
import dev.godwit.workers.cdc.pgoutput.TupleData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The UPDATE of one row to its new row image: unchanged-TOAST columns are left out of the SET list, so the target
 * keeps its value; added columns are set again (computed from the row, or an operation indicator's update value).
 */
final class UpdateText {

    private final ColumnMap columns;
    private final WhereClause where;

    UpdateText(ColumnMap columns, WhereClause where) {
        this.columns = columns;
        this.where = where;
    }

    /**
     * Whether an UPDATE of this identity has a set form: only when each row is found by its own unchanged key and
     * nothing is computed (the target table must also allow it, see {@link UpdateRuns#asOneStatement()}).
     */
    boolean hasSetForm(RowIdentity identity) {
        ApplyTarget target = columns.target();
        return identity == RowIdentity.NEW_ROW && !target.keyColumns().isEmpty() && target.addedColumns().isEmpty();
    }

    /** The set form; only where {@link #hasSetForm} says so. */
    SetForm set(RowIdentity identity, TupleData newRow, TupleData oldRow) throws SQLException {
        return text(new StatementBuilder(true), identity, newRow, oldRow).setForm(SetForm.Kind.UPDATE);
    }

    /** @param oldRow the old row image, null when none was sent */
    RowStatement statement(RowIdentity identity, TupleData newRow, TupleData oldRow) throws SQLException {
        return text(new StatementBuilder(false), identity, newRow, oldRow).row();
    }

    private StatementBuilder text(StatementBuilder sql, RowIdentity identity, TupleData newRow, TupleData oldRow)
            throws SQLException {
        sql.append("UPDATE ").append(columns.table()).append(" AS tgt SET ");
        List<String> setParts = new ArrayList<>();
        String sep = "";
        for (int i = 0; i < columns.size(); i++) {
            ApplyTarget.Column c = columns.written(i);
            if (c == null || newRow.get(i) instanceof ColumnValue.UnchangedToast) {
                continue; // 'u': the value was not sent and is unchanged: never written
            }
            if (identity == RowIdentity.NEW_ROW && columns.target().keyColumns().contains(c.targetName())) {
                continue; // found by this very value
            }
            sql.append(sep).append(SqlText.identifier(c.targetName())).append(" = ").param(false, i, c.targetType());
            sep = ", ";
            setParts.add(c.targetName());
        }
        for (ApplyTarget.AddedColumn a : columns.target().addedColumns()) {
            sql.append(sep).append(SqlText.identifier(a.targetName())).append(" = ");
            sep = ", ";
            setParts.add(a.targetName());
            if (a.operationIndicator().isPresent()) {
                sql.append(ColumnMap.addedValue(a, 'U'));
            } else {
                computed(sql, a, newRow, oldRow);
            }
        }
        if (setParts.isEmpty()) {
            // nothing sent but the key: still find the row, so that a missing one is noticed
            String any = columns.target().columns().get(0).targetName();
            sql.append(SqlText.identifier(any)).append(" = tgt.").append(SqlText.identifier(any));
        }
        where.append(sql, identity, identity == RowIdentity.NEW_ROW ? newRow : oldRow, identity != RowIdentity.NEW_ROW);
        return sql;
    }

    /**
     * The value of a computed column: the expression reads a derived row of source-named columns: sent values, else
     * the old row's, else the target's current value of the column.
     */
    private void computed(StatementBuilder sql, ApplyTarget.AddedColumn a, TupleData newRow, TupleData oldRow) {
        sql.append("(SELECT ").append(ColumnMap.addedValue(a, 'U')).append(" FROM (SELECT ");
        String inner = "";
        for (int i = 0; i < columns.size(); i++) {
            Optional<String> type = columns.sourceType(i);
            if (type.isEmpty()) {
                continue;
            }
            if (!(newRow.get(i) instanceof ColumnValue.UnchangedToast)) {
                sql.append(inner).param(false, i, type.get());
            } else if (oldRow != null && oldRow.get(i) instanceof ColumnValue.Text) {
                sql.append(inner).param(true, i, type.get());
            } else if (columns.written(i) != null) {
                sql.append(inner).append("tgt.").append(SqlText.identifier(columns.written(i).targetName()))
                        .append("::").append(type.get());
            } else {
                continue;
            }
            sql.append(" AS ").append(columns.sourceIdentifier(i));
            inner = ", ";
        }
        sql.append(") AS s)");
    }
}
