package dev.godwit.workers.schema;

import dev.godwit.mappings.partition.PartitionRule;
import dev.godwit.mappings.rules.ColumnMapping;
import dev.godwit.mappings.rules.ParallelLoad;
import dev.godwit.mappings.rules.SourceColumn;
import dev.godwit.mappings.rules.SourceTable;
import dev.godwit.mappings.rules.SourceTableKind;
import dev.godwit.mappings.rules.TableMapping;
import dev.godwit.mappings.sql.SqlText;
import dev.godwit.workers.catalog.SourceCatalog;
import dev.godwit.workers.catalog.Table;
import dev.godwit.workers.catalog.TableKind;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** Identity mappings built by hand, and small edits of them (renamed column, removed column, other schema). */
final class TestMappings {
    private TestMappings() {
    }

    static TableMapping identity(Table t, PartitionRule rule) {
        List<ColumnMapping> columns = t.columns().stream().map(c -> new ColumnMapping(c.name(), c.name(), c.type(),
                c.type(), SqlText.identifier(c.name()), false, false)).toList();
        SourceTable source = new SourceTable(t.schema(), t.name(), kind(t.kind()), t.columns().stream()
                .map(c -> new SourceColumn(c.name(), c.type(), c.notNull())).toList(),
                t.primaryKey().map(pk -> pk.columns()).orElse(List.of()));
        return new TableMapping(source, t.schema(), t.name(), columns, Optional.empty(), 0, Optional.empty(),
                new ParallelLoad.None(), rule, List.of());
    }

    static TableMapping renameColumns(TableMapping m, Map<String, String> renames) {
        List<ColumnMapping> columns = new ArrayList<>();
        for (ColumnMapping c : m.columns()) {
            String to = renames.getOrDefault(c.sourceName(), c.targetName());
            if (to == null) {
                continue;
            }
            columns.add(new ColumnMapping(c.sourceName(), to, c.sourceType(), c.targetType(), c.selectExpression(),
                    c.typeChanged(), c.lossy()));
        }
        return new TableMapping(m.source(), m.targetSchema(), m.targetName(), columns, m.sourceFilterSql(),
                m.loadOrder(), m.definedPrimaryKey(), m.parallelLoad(), m.partitionRule(), m.appliedRules());
    }

    static TableMapping withSchema(TableMapping m, UnaryOperator<String> schemas) {
        return new TableMapping(m.source(), schemas.apply(m.targetSchema()), m.targetName(), m.columns(),
                m.sourceFilterSql(), m.loadOrder(), m.definedPrimaryKey(), m.parallelLoad(), m.partitionRule(),
                m.appliedRules());
    }

    /** Every selectable table of the catalog that is not a partition, each with its partitions when kept. */
    static List<TargetTableSpec> identitySpecs(SourceCatalog catalog, PartitionRule rule) {
        List<TargetTableSpec> out = new ArrayList<>();
        for (Table t : catalog.tables()) {
            if (t.isPartition()) {
                continue;
            }
            List<Table> partitions = rule instanceof PartitionRule.Keep ? descendants(catalog, t) : List.of();
            out.add(new TargetTableSpec(t, identity(t, rule), partitions));
        }
        return out;
    }

    static List<Table> descendants(SourceCatalog catalog, Table t) {
        List<Table> out = new ArrayList<>();
        if (t.kind() != TableKind.PARTITIONED) {
            return out;
        }
        for (Table child : catalog.children(t)) {
            if (child.isPartition()) {
                out.add(child);
                out.addAll(descendants(catalog, child));
            }
        }
        return out;
    }

    private static SourceTableKind kind(TableKind k) {
        return switch (k) {
            case TABLE -> SourceTableKind.TABLE;
            case PARTITIONED -> SourceTableKind.PARTITIONED_TABLE;
            case VIEW -> SourceTableKind.VIEW;
            case MATERIALIZED_VIEW -> SourceTableKind.MATERIALIZED_VIEW;
            case FOREIGN -> SourceTableKind.FOREIGN_TABLE;
        };
    }
}
