package dev.godwit.workers.schema;

import dev.godwit.mappings.partition.PartitionRule;
import dev.godwit.mappings.rules.ColumnMapping;
import dev.godwit.mappings.sql.SqlText;
import dev.godwit.workers.catalog.TableKind;
import dev.godwit.workers.schema.ScriptBuilder.PreData;
import dev.godwit.workers.schema.SchemaScript.Statement;

import java.util.Optional;

/**
 * The partitioning of a target table under its {@link PartitionRule}: its PARTITION BY clause and its partitions,
 * kept as on the source (each under its parent), made anew ({@link Repartitioning}), or merged into the one table.
 */
final class PartitionDdl {
    private final TargetNames names;
    private final DdlWriter.Options options;

    PartitionDdl(TargetNames names, DdlWriter.Options options) {
        this.names = names;
        this.options = options;
    }

    /** {@code " PARTITION BY …"} for a partitioned target, else empty. */
    String partitionBy(TargetTableSpec spec) {
        if (spec.keepsPartitions()) {
            return " PARTITION BY " + names.rewrite(spec.source().partitionKey().orElseThrow(), names.columns(spec))
                    .text();
        }
        if (spec.mapping().partitionRule() instanceof PartitionRule.Repartition r) {
            return " PARTITION BY " + strategy(spec, r.strategy());
        }
        return "";
    }

    /** The partitions, after the table. */
    void partitions(TargetTableSpec spec, ScriptBuilder script) {
        String name = TargetNames.table(spec);
        PartitionRule rule = spec.mapping().partitionRule();
        if (spec.keepsPartitions()) {
            kept(spec, name, script);
        } else if (rule instanceof PartitionRule.Repartition r) {
            Repartitioning.partitions(spec, r.strategy(), name,
                    Optional.ofNullable(options.rangeBounds().get(spec.targetKey())), script::warn)
                    .forEach(s -> script.add(PreData.TABLES, s));
        } else if (spec.source().kind() == TableKind.PARTITIONED && rule instanceof PartitionRule.Merge) {
            script.warn(name + ": the partitions of " + spec.source().qualifiedName()
                    + " are merged into one plain table");
        }
    }

    private void kept(TargetTableSpec spec, String rootName, ScriptBuilder script) {
        PartitionLayout layout = names.partitions(spec);
        for (PartitionLayout.Placed placed : layout.placed()) {
            StringBuilder sql = new StringBuilder("CREATE TABLE ").append(placed.name()).append(" PARTITION OF ")
                    .append(placed.parent()).append(' ')
                    .append(placed.partition().partitionBound().orElse("DEFAULT"));
            if (placed.partition().kind() == TableKind.PARTITIONED) {
                sql.append(" PARTITION BY ").append(names.rewrite(placed.partition().partitionKey().orElseThrow(),
                        names.columns(spec)).text());
            }
            script.add(PreData.TABLES, new Statement("partition " + placed.name(), sql.toString()));
        }
        layout.orphans().forEach(p -> script.warn(rootName + ": partition " + p.qualifiedName()
                + " left out, its parent is not among the partitions given"));
    }

    private static String strategy(TargetTableSpec spec, PartitionRule.Strategy strategy) {
        String column = SqlText.identifier(strategy.column());
        if (spec.mapping().column(strategy.column()).isEmpty()) {
            throw new SchemaException(TargetNames.table(spec) + ": the partition column " + strategy.column()
                    + " is not a column of the target table; name one of "
                    + spec.mapping().columns().stream().map(ColumnMapping::targetName).toList());
        }
        if (strategy instanceof PartitionRule.Range) {
            return "RANGE (" + column + ")";
        }
        return (strategy instanceof PartitionRule.ListBy ? "LIST (" : "HASH (") + column + ")";
    }
}
