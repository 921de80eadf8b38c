package dev.godwit.workers.schema;

import dev.godwit.mappings.partition.PartitionRule;
import dev.godwit.mappings.sql.SqlText;
import dev.godwit.workers.catalog.Index;
import dev.godwit.workers.schema.SchemaScript.Statement;

import java.util.Map;
import java.util.Optional;

/**
 * An index of the source on its target table, from {@code pg_get_indexdef} with the target's names. An index the
 * target cannot have as it is (invalid on the source, on a removed column, unique without the new partition column)
 * is left out with a warning: one missing index must not stop the load.
 */
final class IndexDdl {
    private final TargetNames names;

    IndexDdl(TargetNames names) {
        this.names = names;
    }

    /** A plain (not constraint-backed) index of the spec's table, or of one of its kept partitions. */
    Optional<Statement> statement(TargetTableSpec spec, Index index, String table, ScriptBuilder script) {
        if (!index.valid()) {
            script.warn(table + ": index " + index.name() + " left out, it is invalid on the source");
            return Optional.empty();
        }
        Map<String, String> columns = names.columns(spec);
        SqlRewriter.Result sql = sql(index, table, columns);
        if (!sql.removedColumns().isEmpty()) {
            script.warn(table + ": index " + index.name() + " left out, it uses removed column(s) "
                    + sql.removedColumns());
            return Optional.empty();
        }
        if (index.unique() && spec.mapping().partitionRule() instanceof PartitionRule.Repartition r
                && !index.columns().stream().map(columns::get).toList().contains(r.strategy().column())) {
            script.warn(table + ": unique index " + index.name() + " left out, a unique index of a partitioned"
                    + " table must include the partition column " + r.strategy().column());
            return Optional.empty();
        }
        return Optional.of(new Statement("index " + index.name() + " on " + table, sql.text()));
    }

    /** {@code CREATE [UNIQUE] INDEX name ON target USING …}, the part after USING rewritten for the target. */
    SqlRewriter.Result sql(Index index, String table, Map<String, String> columns) {
        String def = index.definition();
        int using = def.indexOf(" USING ");
        SqlRewriter.Result rest = names.rewrite(def.substring(using + 1), columns);
        return new SqlRewriter.Result("CREATE " + (index.unique() ? "UNIQUE " : "") + "INDEX "
                + SqlText.identifier(index.name()) + " ON " + table + " " + rest.text(), rest.removedColumns());
    }
}
