package dev.godwit.workers.schema;

import dev.godwit.mappings.partition.PartitionRule;
import dev.godwit.mappings.rules.TableMapping;
import dev.godwit.workers.catalog.Table;
import dev.godwit.workers.catalog.TableKind;

import java.util.List;

/**
 * One target table to create: its source relation, the mapping that shapes it, and, for a partitioned source kept
 * partitioned, every relation below it (leaves and intermediate partitioned tables) from the source catalog.
 */
public record TargetTableSpec(Table source, TableMapping mapping, List<Table> partitions) {
    public TargetTableSpec {
        partitions = List.copyOf(partitions);
    }

    /** {@code schema.name} of the target, unquoted: the key of per-table options and of messages. */
    public String targetKey() {
        return mapping.targetKey();
    }

    /** Whether the source is partitioned and the target keeps its partitions as they are. */
    public boolean keepsPartitions() {
        return source.kind() == TableKind.PARTITIONED && mapping.partitionRule() instanceof PartitionRule.Keep;
    }

    /** Whether the target table is partitioned: kept so, or partitioned anew. */
    public boolean partitionedOnTarget() {
        return keepsPartitions() || mapping.partitionRule() instanceof PartitionRule.Repartition;
    }
}
