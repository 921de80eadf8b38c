package dev.godwit.orchestrator.plan;

import dev.godwit.mappings.rules.TableMapping;
import dev.godwit.workers.catalog.Table;

import java.util.List;

/**
 * One target table of the plan and where its rows come from.
 *
 * @param source     the source relation (a partitioned root brings its partitions along)
 * @param mapping    names, columns, filter and load order as the mappings decided them
 * @param partitions the leaf partitions copied into this target table, in catalog order; empty for other tables
 */
public record PlannedTable(Table source, TableMapping mapping, List<Table> partitions) {
    public PlannedTable {
        partitions = List.copyOf(partitions);
    }

    public long sizeBytes() {
        return source.sizeBytes() + partitions.stream().mapToLong(Table::sizeBytes).sum();
    }

    /** Sum of the catalog's row estimates; tables never analyzed count as 0. */
    public long estimatedRows() {
        return Math.max(0, source.estimatedRows())
                + partitions.stream().mapToLong(t -> Math.max(0, t.estimatedRows())).sum();
    }
}
