package dev.godwit.mappings.rules;

import dev.godwit.mappings.partition.PartitionRule;

import java.util.List;
import java.util.Optional;

/**
 * One selected source table and its target.
 *
 * @param sourceFilterSql a PostgreSQL boolean expression over quoted source columns, ready for WHERE
 * @param loadOrder       start priority: higher loads first; 0 when no rule sets one
 * @param appliedRules    every rule that shaped this mapping, {@code rule-name (rules[i])}, in rule-id order
 */
public record TableMapping(SourceTable source, String targetSchema, String targetName, List<ColumnMapping> columns,
                           Optional<String> sourceFilterSql, long loadOrder,
                           Optional<PrimaryKeyDefinition> definedPrimaryKey, ParallelLoad parallelLoad,
                           PartitionRule partitionRule, List<String> appliedRules) {

    public TableMapping {
        columns = List.copyOf(columns);
        appliedRules = List.copyOf(appliedRules);
    }

    /** {@code schema.name} of the target table, unquoted: how godwit's state and messages name a target table. */
    public String targetKey() {
        return targetSchema + "." + targetName;
    }

    public Optional<ColumnMapping> column(String targetColumn) {
        return columns.stream().filter(c -> c.targetName().equals(targetColumn)).findFirst();
    }
}
