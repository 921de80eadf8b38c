package dev.godwit.workers.cdc.apply;

import dev.godwit.mappings.sql.SqlText;
import dev.godwit.workers.cdc.pgoutput.TupleData;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The DELETE of one row; with an operation indicator, the UPDATE that sets its delete value instead (a soft delete).
 */
final class DeleteText {

    private final ColumnMap columns;
    private final WhereClause where;

    DeleteText(ColumnMap columns, WhereClause where) {
        this.columns = columns;
        this.where = where;
    }

    /** @param old the old row image (its key, or the whole row) */
    RowStatement statement(RowIdentity identity, TupleData old) throws SQLException {
        StatementBuilder sql = new StatementBuilder(false);
        Optional<ApplyTarget.AddedColumn> indicator = indicator();
        if (indicator.isPresent()) {
            ApplyTarget.AddedColumn a = indicator.get();
            sql.append("UPDATE ").append(columns.table()).append(" AS tgt SET ")
                    .append(SqlText.identifier(a.targetName())).append(" = ").append(ColumnMap.addedValue(a, 'D'));
        } else {
            sql.append("DELETE FROM ").append(columns.table()).append(" AS tgt");
        }
        where.append(sql, identity, old, true);
        return sql.row();
    }

    /** The set form: a DELETE by key (not a soft delete). */
    Optional<SetForm> set(RowIdentity identity, TupleData old) throws SQLException {
        if (indicator().isPresent() || columns.target().keyColumns().isEmpty()) {
            return Optional.empty();
        }
        StatementBuilder many = new StatementBuilder(true).append("DELETE FROM ").append(columns.table())
                .append(" AS tgt");
        where.append(many, identity, old, true);
        return Optional.of(many.setForm(SetForm.Kind.DELETE));
    }

    /** The added column that is an operation indicator, if there is one. */
    private Optional<ApplyTarget.AddedColumn> indicator() {
        return columns.target().addedColumns().stream().filter(a -> a.operationIndicator().isPresent()).findFirst();
    }
}
