package dev.godwit.orchestrator.plan;

import dev.godwit.mappings.partition.PartitionRule;
import dev.godwit.mappings.rules.MappingOutcome;
import dev.godwit.mappings.rules.ParallelLoad;
import dev.godwit.mappings.rules.RuleEngine;
import dev.godwit.mappings.rules.SourceColumn;
import dev.godwit.mappings.rules.SourceTable;
import dev.godwit.mappings.rules.SourceTableKind;
import dev.godwit.mappings.rules.TableMapping;
import dev.godwit.mappings.task.Task;
import dev.godwit.orchestrator.plan.PlannedTable.CdcCoverage;
import dev.godwit.workers.catalog.SourceCatalog;
import dev.godwit.workers.catalog.Table;
import dev.godwit.workers.catalog.TableKind;
import dev.godwit.workers.copy.CopyUnit;
import dev.godwit.workers.copy.CopyUnitPlanner;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Runs the task's mappings over the source catalog and decides every table's copy units. A partition whose root is
 * selected too travels with its root (it is never copied twice); a partition selected without its root becomes a
 * table of its own, as in AWS DMS.
 */
public final class Planner {
    private final CopyUnitPlanner units;

    public Planner(CopyUnitPlanner units) {
        this.units = units;
    }

    /** Reads the source catalog on {@code source} and plans the task over it, units included. */
    public static Plan forSource(Task task, java.sql.Connection source) throws SQLException {
        SourceCatalog catalog = new dev.godwit.workers.catalog.CatalogReader(source).read();
        // twice as many ranges as workers: the biggest table's ranges then interleave with the other tables' units
        // instead of one worker finishing a big range alone at the end
        CopyUnitPlanner units = new CopyUnitPlanner(source, catalog.majorVersion(), task.settings().splitThresholdBytes(),
                2 * Parallelism.of(task.settings()));
        return new Planner(units).plan(task, catalog);
    }

    public Plan plan(Task task, SourceCatalog catalog) throws SQLException {
        List<SourceTable> candidates = catalog.tables().stream().map(Planner::asSourceTable).toList();
        MappingOutcome outcome = new RuleEngine(task.tableMappings(), task.settings()).apply(candidates);
        if (outcome.hasErrors()) {
            throw new PlanRejected(task.file(), outcome.errors());
        }
        Map<Long, TableMapping> selected = new HashMap<>();
        for (TableMapping m : outcome.tables()) {
            selected.put(catalog.table(m.source().schema(), m.source().name()).orElseThrow().oid(), m);
        }
        record Selected(Table table, TableMapping mapping) {
        }
        List<Selected> tables = new ArrayList<>();
        for (TableMapping m : outcome.tables()) {
            Table table = catalog.table(m.source().schema(), m.source().name()).orElseThrow();
            if (!(table.isPartition() && travelsWithRoot(table, catalog, selected))) {
                tables.add(new Selected(table, m));
            }
        }
        List<PlannedTable> planned = new ArrayList<>();
        for (Selected s : tables) {
            planned.add(planTable(task, catalog, s.table(), s.mapping(), units));
        }
        planned.sort(Comparator.comparingLong((PlannedTable t) -> t.mapping().loadOrder()).reversed()
                .thenComparing(Comparator.comparingLong(PlannedTable::sizeBytes).reversed())
                .thenComparing(t -> t.source().schema())
                .thenComparing(t -> t.source().name()));
        Plan tablesOnly = new Plan(task, catalog, planned, outcome.warnings(), List.of(), notMigrated(task, planned));
        SchemaPlan.Objects objects = SchemaPlan.objects(tablesOnly);
        List<NotMigrated> all = new ArrayList<>(tablesOnly.notMigrated());
        all.addAll(objects.notMigrated());
        return new Plan(task, catalog, planned, outcome.warnings(), objects.created(), all);
    }

    private PlannedTable planTable(Task task, SourceCatalog catalog, Table table, TableMapping m, CopyUnitPlanner units)
            throws SQLException {
        List<Table> leaves = table.kind() == TableKind.PARTITIONED ? leaves(table, catalog) : List.of();
        List<CopyUnit> tableUnits = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        if (table.kind() == TableKind.PARTITIONED) {
            // each leaf is a unit of its own (split further when big); the root holds no rows
            for (Table leaf : leaves) {
                CopyUnitPlanner.Split split = units.split(leaf, new ParallelLoad.None());
                tableUnits.addAll(split.units());
                split.note().ifPresent(notes::add);
            }
        } else if (table.kind() == TableKind.TABLE || table.kind() == TableKind.MATERIALIZED_VIEW) {
            CopyUnitPlanner.Split split = units.split(table, m.parallelLoad());
            tableUnits.addAll(split.units());
            split.note().ifPresent(notes::add);
        } else {
            tableUnits.add(new CopyUnit(table.schema() + "." + table.name(), table.schema(), table.name(),
                    CopyUnit.Kind.WHOLE, java.util.Optional.empty(), 0));
        }
        if (table.isInheritanceChild() || !catalog.children(table).stream().filter(c -> !c.isPartition()).toList().isEmpty()) {
            notes.add("inheritance: rows are read with FROM ONLY, so parent and children are each copied once");
        }
        tableUnits.sort(Comparator.comparingLong(CopyUnit::estimatedBytes).reversed().thenComparing(CopyUnit::id));
        return new PlannedTable(table, m, leaves, tableUnits, coverage(task, table, leaves), notes);
    }

    private static CdcCoverage coverage(Task task, Table table, List<Table> leaves) {
        if (!task.type().hasCdc()) {
            return CdcCoverage.NOT_APPLICABLE;
        }
        if (table.kind() == TableKind.VIEW || table.kind() == TableKind.MATERIALIZED_VIEW
                || table.kind() == TableKind.FOREIGN) {
            return CdcCoverage.NONE_NOT_A_TABLE;
        }
        if (table.unlogged() || leaves.stream().anyMatch(Table::unlogged)) {
            return CdcCoverage.COPIED_AT_CUTOVER;
        }
        boolean identified = table.kind() == TableKind.PARTITIONED
                ? !leaves.isEmpty() && leaves.stream().allMatch(Table::usableReplicaIdentity)
                : table.usableReplicaIdentity();
        return identified ? CdcCoverage.ALL_CHANGES : CdcCoverage.INSERTS_ONLY;
    }

    private static List<NotMigrated> notMigrated(Task task, List<PlannedTable> planned) {
        List<NotMigrated> out = new ArrayList<>();
        for (PlannedTable t : planned) {
            String name = t.source().schema() + "." + t.source().name();
            switch (t.cdc()) {
                case NONE_NOT_A_TABLE -> out.add(new NotMigrated(name, "changes after the snapshot: a "
                        + t.source().kind().name().toLowerCase().replace('_', ' ') + " is copied once, not replicated"));
                case INSERTS_ONLY -> out.add(new NotMigrated(name, "updates and deletes: no primary key or replica "
                        + "identity identifies its rows (ALTER TABLE … REPLICA IDENTITY FULL, or add a primary key)"));
                default -> {
                }
            }
        }
        return out;
    }

    private static boolean travelsWithRoot(Table partition, SourceCatalog catalog, Map<Long, TableMapping> selected) {
        TableMapping root = selected.get(rootOf(partition, catalog).oid());
        return root != null && (root.partitionRule() instanceof PartitionRule.Keep
                || root.partitionRule() instanceof PartitionRule.Merge);
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
}
