package dev.godwit.orchestrator.plan;

import dev.godwit.mappings.partition.PartitionRule;
import dev.godwit.mappings.rules.MappingOutcome;
import dev.godwit.mappings.rules.RuleEngine;
import dev.godwit.mappings.rules.SourceColumn;
import dev.godwit.mappings.rules.SourceTable;
import dev.godwit.mappings.rules.SourceTableKind;
import dev.godwit.mappings.rules.TableMapping;
import dev.godwit.mappings.task.Task;
import dev.godwit.workers.catalog.SourceCatalog;
import dev.godwit.workers.catalog.Table;
import dev.godwit.workers.catalog.TableKind;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Runs the task's mappings over the source catalog. A partition whose root is selected too travels with its root (it
 * is never copied twice); a partition selected without its root becomes a table of its own, as in AWS DMS.
 */
public final class Planner {

    public Plan plan(Task task, SourceCatalog catalog) {
        List<SourceTable> candidates = catalog.tables().stream().map(Planner::asSourceTable).toList();
        MappingOutcome outcome = new RuleEngine(task.tableMappings(), task.settings()).apply(candidates);
        if (outcome.hasErrors()) {
            throw new PlanRejected(task.file(), outcome.errors());
        }
        Map<String, TableMapping> selected = outcome.tables().stream()
                .collect(Collectors.toMap(m -> key(m.source().schema(), m.source().name()), Function.identity()));
        Set<Long> selectedOids = new HashSet<>();
        for (TableMapping m : outcome.tables()) {
            selectedOids.add(catalog.table(m.source().schema(), m.source().name()).orElseThrow().oid());
        }
        List<PlannedTable> planned = new ArrayList<>();
        for (TableMapping m : outcome.tables()) {
            Table table = catalog.table(m.source().schema(), m.source().name()).orElseThrow();
            if (table.isPartition() && travelsWithRoot(table, catalog, selectedOids, selected)) {
                continue;
            }
            List<Table> leaves = table.kind() == TableKind.PARTITIONED ? leaves(table, catalog) : List.of();
            planned.add(new PlannedTable(table, m, leaves));
        }
        planned.sort(PlanOrder.COMPARATOR);
        return new Plan(task, catalog, planned, outcome.warnings());
    }

    private static boolean travelsWithRoot(Table partition, SourceCatalog catalog, Set<Long> selectedOids,
                                           Map<String, TableMapping> selected) {
        Table root = rootOf(partition, catalog);
        if (!selectedOids.contains(root.oid())) {
            return false;
        }
        PartitionRule rule = selected.get(key(root.schema(), root.name())).partitionRule();
        return rule instanceof PartitionRule.Keep || rule instanceof PartitionRule.Merge;
    }

    static Table rootOf(Table table, SourceCatalog catalog) {
        Table current = table;
        OptionalLong parent = current.partitionParentOid();
        while (parent.isPresent()) {
            current = catalog.tableByOid(parent.getAsLong()).orElseThrow();
            parent = current.partitionParentOid();
        }
        return current;
    }

    /** Every leaf below a partitioned table, depth first in catalog order. */
    static List<Table> leaves(Table partitioned, SourceCatalog catalog) {
        List<Table> out = new ArrayList<>();
        for (Table child : catalog.children(partitioned)) {
            if (!child.isPartition()) {
                continue;
            }
            if (child.kind() == TableKind.PARTITIONED) {
                out.addAll(leaves(child, catalog));
            } else {
                out.add(child);
            }
        }
        return out;
    }

    static SourceTable asSourceTable(Table t) {
        SourceTableKind kind = switch (t.kind()) {
            case TABLE -> SourceTableKind.TABLE;
            case PARTITIONED -> SourceTableKind.PARTITIONED_TABLE;
            case VIEW -> SourceTableKind.VIEW;
            case MATERIALIZED_VIEW -> SourceTableKind.MATERIALIZED_VIEW;
            case FOREIGN -> SourceTableKind.FOREIGN_TABLE;
        };
        List<SourceColumn> columns = t.columns().stream()
                .map(c -> new SourceColumn(c.name(), c.type(), c.notNull()))
                .toList();
        List<String> key = t.primaryKey().map(pk -> pk.columns()).orElse(List.of());
        return new SourceTable(t.schema(), t.name(), kind, columns, key);
    }

    private static String key(String schema, String name) {
        return schema + "\u0000" + name;
    }
}
