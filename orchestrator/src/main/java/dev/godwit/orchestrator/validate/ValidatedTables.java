package dev.godwit.orchestrator.validate;

import dev.godwit.mappings.partition.PartitionRule;
import dev.godwit.mappings.rules.ColumnMapping;
import dev.godwit.mappings.sql.SqlText;
import dev.godwit.orchestrator.plan.PlannedTable;
import dev.godwit.workers.catalog.Column;
import dev.godwit.workers.catalog.Index;
import dev.godwit.workers.catalog.Table;
import dev.godwit.workers.catalog.TableKind;
import dev.godwit.workers.validate.ChunkKey;
import dev.godwit.workers.validate.ValidatedTable;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What validation compares for a planned table, read on the source exactly as the full load reads it: the same
 * relations ({@code FROM ONLY} each, a partitioned table's leaves), the same filter, the same mapped expressions.
 */
final class ValidatedTables {
    private ValidatedTables() {
    }

    static ValidatedTable of(PlannedTable table) {
        Table source = table.source();
        List<String> expressions = new ArrayList<>();
        List<String> columns = new ArrayList<>();
        for (ColumnMapping c : table.mapping().columns()) {
            if (compared(c, source)) {
                expressions.add(c.selectExpression());
                columns.add(SqlText.identifier(c.targetName()));
            }
        }
        List<String> relations = table.partitions().stream().filter(p -> p.kind() != TableKind.PARTITIONED)
                .map(p -> SqlText.qualified(p.schema(), p.name())).toList();
        if (relations.isEmpty()) {
            relations = List.of(SqlText.qualified(source.schema(), source.name()));
        }
        boolean partitionedTarget = table.isPartitioned() && !(table.mapping().partitionRule() instanceof PartitionRule.Merge)
                || table.mapping().partitionRule() instanceof PartitionRule.Repartition;
        return new ValidatedTable(table.mapping().targetKey(), relations,
                expressions, table.mapping().sourceFilterSql(),
                SqlText.qualified(table.mapping().targetSchema(), table.mapping().targetName()), partitionedTarget,
                columns, key(table));
    }

    /**
     * Generated columns are computed by the target from the compared ones; an operation indicator records what the
     * last change was, which the source does not hold.
     */
    private static boolean compared(ColumnMapping c, Table source) {
        if (c.operationIndicator().isPresent()) {
            return false;
        }
        return c.added() || source.column(c.sourceName()).map(col -> !col.isGenerated()).orElse(false);
    }

    /** The first column of the primary key, or else of a unique index, when it keeps its name's type on the target. */
    static Optional<ChunkKey> key(PlannedTable table) {
        Table source = table.source();
        List<List<String>> candidates = new ArrayList<>();
        source.primaryKey().ifPresent(pk -> candidates.add(pk.columns()));
        for (Index i : source.indexes()) {
            if (i.unique() && !i.partial() && i.valid() && !i.primary()) {
                candidates.add(i.columns());
            }
        }
        for (List<String> columns : candidates) {
            if (columns.isEmpty()) {
                continue;
            }
            Optional<Column> column = source.column(columns.get(0));
            Optional<ColumnMapping> mapped = table.mapping().columns().stream()
                    .filter(c -> !c.added() && c.sourceName().equals(columns.get(0))).findFirst();
            if (column.isPresent() && mapped.isPresent() && !mapped.get().typeChanged()
                    && mapped.get().operationIndicator().isEmpty() && !column.get().isGenerated()) {
                Column c = column.get();
                return Optional.of(new ChunkKey(SqlText.identifier(c.name()), SqlText.identifier(mapped.get().targetName()),
                        mapped.get().targetName(), collatable(c), !c.notNull()));
            }
        }
        return Optional.empty();
    }

    private static boolean collatable(Column c) {
        String type = c.type();
        if (c.isArray() || type.endsWith("[]")) {
            return false;
        }
        return type.startsWith("text") || type.startsWith("character") || type.startsWith("varchar")
                || type.equals("name") || type.equals("citext") || c.collation().isPresent();
    }
}
