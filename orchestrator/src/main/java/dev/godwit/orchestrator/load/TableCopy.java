package dev.godwit.orchestrator.load;

import dev.godwit.mappings.rules.ColumnMapping;
import dev.godwit.mappings.sql.SqlText;
import dev.godwit.orchestrator.plan.PlannedTable;
import dev.godwit.workers.catalog.Column;
import dev.godwit.workers.catalog.Table;
import dev.godwit.workers.catalog.TableKind;
import dev.godwit.workers.copy.CopyStatements;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How the units of one target table are copied: the column lists on both sides (generated columns left out: the
 * target computes them), the source filter, and the COPY format.
 *
 * @param plainSource the quoted source table when it is an ordinary table whose copied columns all pass unchanged:
 *                    a unit that reads all of it then uses {@code COPY table (columns) TO} (see
 *                    {@link CopyStatements#wholeTable})
 */
record TableCopy(String tableKey, String targetRelation, List<String> selectList, List<String> targetColumns,
                 Optional<String> filter, boolean binary, boolean partitionedTarget, Optional<String> plainSource) {

    /** PostgreSQL's first OID for user objects: types below it are built in and alike on every server. */
    private static final long FIRST_USER_OID = 16384;

    static TableCopy of(PlannedTable table) {
        Table source = table.source();
        List<String> select = new ArrayList<>();
        List<String> target = new ArrayList<>();
        boolean binary = true;
        boolean plain = source.kind() == TableKind.TABLE;
        for (ColumnMapping c : table.mapping().columns()) {
            Optional<Column> sourceColumn = c.added() ? Optional.empty() : source.column(c.sourceName());
            if (sourceColumn.map(Column::isGenerated).orElse(false)) {
                continue;
            }
            select.add(c.selectExpression());
            plain &= !c.added() && !c.typeChanged() && c.selectExpression().equals(SqlText.identifier(c.sourceName()));
            target.add(SqlText.identifier(c.targetName()));
            binary &= !c.added() && !c.typeChanged() && sourceColumn.map(col -> col.typeOid() < FIRST_USER_OID).orElse(false);
        }
        String key = table.mapping().targetKey();
        boolean partitionedTarget = table.isPartitioned() || table.mapping().partitionRule()
                instanceof dev.godwit.mappings.partition.PartitionRule.Repartition;
        return new TableCopy(key, SqlText.qualified(table.mapping().targetSchema(), table.mapping().targetName()),
                select, target, table.mapping().sourceFilterSql(), binary, partitionedTarget,
                plain ? Optional.of(SqlText.qualified(source.schema(), source.name())) : Optional.empty());
    }

    /**
     * This table copied in text format: after a rewriting ALTER TABLE on the source a column's type may differ from
     * the one planned, and a binary value of another type would not load (a text one does wherever the value fits).
     */
    TableCopy inTextFormat() {
        return new TableCopy(tableKey, targetRelation, selectList, targetColumns, filter, false, partitionedTarget,
                plainSource);
    }

    /**
     * Empties this target table and nothing else: ONLY keeps an inheritance parent from emptying its children
     * (copied as tables of their own); a partitioned table is emptied with its partitions, which hold its rows.
     */
    String truncateStatement() {
        return "TRUNCATE " + truncateTarget();
    }

    /** This table as one name of a TRUNCATE statement. */
    String truncateTarget() {
        return (partitionedTarget ? "" : "ONLY ") + targetRelation;
    }

    /** The statements for one unit of this table, read from the quoted source relation with the unit's range. */
    CopyStatements statements(String sourceRelation, Optional<String> rangePredicate, boolean freeze) {
        if (rangePredicate.isEmpty() && filter.isEmpty() && !selectList.isEmpty() && plainSource.equals(Optional.of(sourceRelation))) {
            return CopyStatements.wholeTable(selectList, sourceRelation, targetRelation, targetColumns, binary, freeze);
        }
        List<String> predicates = new ArrayList<>();
        rangePredicate.ifPresent(predicates::add);
        filter.ifPresent(predicates::add);
        return CopyStatements.of(selectList, sourceRelation, predicates, targetRelation,
                targetColumns, binary, freeze);
    }
}
