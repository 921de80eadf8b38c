package dev.godwit.workers.schema;

import dev.godwit.mappings.partition.PartitionRule;

import java.util.List;

/**
 * PostgreSQL's rule that a key of a partitioned table holds its partition column, checked for a table partitioned
 * anew: a primary key that breaks it stops the write (the table could not get a key, and CDC needs one), a unique
 * key is left out with a warning.
 */
final class RepartitionedKeys {
    private RepartitionedKeys() {
    }

    /** Whether the key may be created: it holds the repartition column, or the table is not repartitioned. */
    static boolean fits(TargetTableSpec spec, List<String> targetColumns, boolean primary, ScriptBuilder script) {
        if (!(spec.mapping().partitionRule() instanceof PartitionRule.Repartition r)) {
            return true;
        }
        if (targetColumns.contains(r.strategy().column())) {
            return true;
        }
        String table = TargetNames.table(spec);
        if (primary) {
            throw new SchemaException(table + ": the primary key " + targetColumns
                    + " does not include the partition column " + r.strategy().column()
                    + "; PostgreSQL requires it. Add " + r.strategy().column() + " to the key with a"
                    + " define-primary-key rule, or repartition by a key column.");
        }
        script.warn(table + ": unique constraint on " + targetColumns + " left out, it does not include"
                + " the partition column " + r.strategy().column());
        return false;
    }
}
