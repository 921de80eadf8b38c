package dev.godwit.mappings.rules;

import dev.godwit.mappings.partition.PartitionRule;
import dev.godwit.mappings.types.PgType;
import dev.godwit.mappings.types.TypeCategory;

import java.util.List;
import java.util.Optional;

/** Checks a per-table partition setting against the mapped table, and names its column by its target name. */
final class PartitionChecks {

    private final Findings findings;

    PartitionChecks(Findings findings) {
        this.findings = findings;
    }

    PartitionRule check(SourceTable table, PartitionRule rule, List<ColumnMapping> columns,
                        Optional<PrimaryKeyDefinition> definedKey) {
        String location = "settings.partitions.tables." + table.qualifiedName();
        if (rule instanceof PartitionRule.Merge && table.kind() != SourceTableKind.PARTITIONED_TABLE) {
            findings.warning(location, table.qualifiedName() + " is not partitioned; merge changes nothing");
            return new PartitionRule.Keep();
        }
        if (!(rule instanceof PartitionRule.Repartition repartition)) {
            return rule;
        }
        PartitionRule.Strategy strategy = repartition.strategy();
        Optional<ColumnMapping> column = TableMapper.targetColumn(strategy.column(), columns)
                .flatMap(name -> columns.stream().filter(c -> c.targetName().equals(name)).findFirst());
        if (column.isEmpty()) {
            findings.error(location, "partition column '" + strategy.column() + "' does not exist in "
                    + table.qualifiedName());
            return rule;
        }
        String target = column.get().targetName();
        if (strategy instanceof PartitionRule.Range range) {
            TypeCategory category = PgType.parse(column.get().targetType()).category();
            boolean numeric = range.interval().matches("\\d+");
            boolean fits = numeric ? category == TypeCategory.INTEGER || category == TypeCategory.NUMERIC
                    : category == TypeCategory.DATE || category == TypeCategory.TIMESTAMP
                    || category == TypeCategory.TIMESTAMPTZ;
            if (!fits) {
                findings.error(location, "range interval '" + range.interval() + "' does not fit column " + target
                        + " of type " + column.get().targetType() + "; expected " + (numeric
                        ? "an integer or numeric column for a numeric interval"
                        : "a date or timestamp column for an interval such as 1 month"));
            }
        }
        List<String> key = definedKey.filter(k -> k.origin() == PrimaryKeyDefinition.Origin.PRIMARY_KEY)
                .map(PrimaryKeyDefinition::columns)
                .orElseGet(() -> table.primaryKey().stream()
                        .map(c -> TableMapper.targetColumn(c, columns).orElse(c)).toList());
        if (!key.isEmpty() && !key.contains(target)) {
            findings.error(location, "PostgreSQL requires the primary key of a partitioned table to include the"
                    + " partition column; " + target + " is not in the key (" + String.join(", ", key) + ") of "
                    + table.qualifiedName());
        }
        return new PartitionRule.Repartition(strategy.withColumn(target));
    }
}
