package dev.godwit.workers.schema;

import dev.godwit.mappings.rules.TableMapping;
import dev.godwit.workers.catalog.Table;

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
}
