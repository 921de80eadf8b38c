package dev.godwit.workers.cdc.apply;

import dev.godwit.mappings.sql.SqlText;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The INSERT of a complete new row on a target table: the written columns, then the added ones (computed from the
 * source row, or an operation indicator's insert value); an upsert when a row with the key may already be there.
 */
final class InsertText {

    private final ColumnMap columns;
    private final ApplyTarget target;
    private final boolean upsert;

    /** @param upsert {@code ON CONFLICT (key) DO UPDATE} (only where the target has a key) */
    InsertText(ColumnMap columns, boolean upsert) {
        this.columns = columns;
        this.target = columns.target();
        this.upsert = upsert && !target.keyColumns().isEmpty();
    }

    /** The set form: plain INSERTs only (nothing computed, no conflict handling). */
    Optional<SetForm> set() {
        if (!target.addedColumns().isEmpty() || upsert || insertColumns().isEmpty()) {
            return Optional.empty();
        }
        StatementBuilder sql = new StatementBuilder(true).append("INSERT INTO ").append(columns.table()).append(" (")
                .append(insertColumns()).append(") SELECT ");
        String sep = "";
        for (int i = 0; i < columns.size(); i++) {
            if (columns.written(i) != null) {
                sql.append(sep).param(false, i, columns.written(i).targetType());
                sep = ", ";
            }
        }
        return Optional.of(sql.from().setForm(SetForm.Kind.INSERT));
    }

    RowStatement statement() {
        if (insertColumns().isEmpty()) {
            // a table without columns: its rows differ in nothing but their number
            return new StatementBuilder(false).append("INSERT INTO ").append(columns.table()).append(" DEFAULT VALUES")
                    .row();
        }
        StatementBuilder sql = new StatementBuilder(false).append("INSERT INTO ").append(columns.table()).append(" (")
                .append(insertColumns()).append(") ");
        if (target.addedColumns().isEmpty()) {
            sql.append("VALUES (");
            String sep = "";
            for (int i = 0; i < columns.size(); i++) {
                if (columns.written(i) != null) {
                    sql.append(sep).param(false, i, columns.written(i).targetType());
                    sep = ", ";
                }
            }
            sql.append(")");
        } else {
            computed(sql);
        }
        if (upsert) {
            onConflict(sql);
        }
        return sql.row();
    }

    /** The row as a derived table {@code s} of source-named columns, which added-column expressions read. */
    private void computed(StatementBuilder sql) {
        sql.append("SELECT ");
        String sep = "";
        for (int i = 0; i < columns.size(); i++) {
            ApplyTarget.Column c = columns.written(i);
            if (c != null) {
                sql.append(sep).append("s.").append(SqlText.identifier(c.sourceName())).append("::")
                        .append(c.targetType());
                sep = ", ";
            }
        }
        for (ApplyTarget.AddedColumn a : target.addedColumns()) {
            sql.append(sep).append(ColumnMap.addedValue(a, 'I'));
            sep = ", ";
        }
        sql.append(" FROM (VALUES (");
        List<String> aliases = new ArrayList<>();
        sep = "";
        for (int i = 0; i < columns.size(); i++) {
            Optional<String> type = columns.sourceType(i);
            if (type.isPresent()) {
                sql.append(sep).param(false, i, type.get());
                aliases.add(columns.sourceIdentifier(i));
                sep = ", ";
            }
        }
        sql.append(")) AS s(").append(String.join(", ", aliases)).append(")");
    }

    private void onConflict(StatementBuilder sql) {
        sql.append(" ON CONFLICT (").append(String.join(", ", target.keyColumns().stream().map(SqlText::identifier)
                .toList())).append(") DO UPDATE SET ");
        List<String> sets = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            ApplyTarget.Column c = columns.written(i);
            if (c != null && !target.keyColumns().contains(c.targetName())) {
                sets.add(SqlText.identifier(c.targetName()) + " = EXCLUDED." + SqlText.identifier(c.targetName()));
            }
        }
        target.addedColumns().forEach(a -> sets.add(SqlText.identifier(a.targetName()) + " = EXCLUDED."
                + SqlText.identifier(a.targetName())));
        if (sets.isEmpty()) {
            sql.dropTail(" DO UPDATE SET ").append(" DO NOTHING");
        } else {
            sql.append(String.join(", ", sets));
        }
    }

    /** The target columns the INSERT fills: the written ones, then the added ones. */
    private String insertColumns() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            if (columns.written(i) != null) {
                names.add(SqlText.identifier(columns.written(i).targetName()));
            }
        }
        target.addedColumns().forEach(a -> names.add(SqlText.identifier(a.targetName())));
        return String.join(", ", names);
    }
}
