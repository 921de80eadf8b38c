package dev.godwit.workers.schema;

import dev.godwit.mappings.rules.ColumnMapping;
import dev.godwit.mappings.sql.SqlText;
import dev.godwit.workers.catalog.Table;
import dev.godwit.workers.catalog.TableKind;
import dev.godwit.workers.schema.ScriptBuilder.PreData;
import dev.godwit.workers.schema.SchemaScript.Statement;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The pre-data of each target table: CREATE TABLE with its columns ({@link ColumnDdl}) and partitioning
 * ({@link PartitionDdl}), its comments, and its inheritance from another selected table. Keys and indexes wait for
 * the post-data ({@link TableKeysDdl}) so that the copy does not maintain them row by row.
 */
final class TableDdl implements DdlPart.PerTable {
    private final TargetNames names;
    private final ColumnDdl columns;
    private final PartitionDdl partitions;

    TableDdl(TargetNames names, ColumnDdl columns, PartitionDdl partitions) {
        this.names = names;
        this.columns = columns;
        this.partitions = partitions;
    }

    @Override
    public void write(TargetTableSpec spec, ScriptBuilder script) {
        Table source = spec.source();
        String name = TargetNames.table(spec);
        if (spec.keepsPartitions() && spec.partitions().isEmpty()) {
            script.warn(name + ": partitioned on the source but no partitions were given; it gets only the"
                    + " partitioned root, which cannot hold rows until partitions are attached");
        }
        if (source.kind() == TableKind.VIEW || source.kind() == TableKind.MATERIALIZED_VIEW
                || source.kind() == TableKind.FOREIGN) {
            script.warn(source.qualifiedName() + " is a " + source.kind().name().toLowerCase().replace('_', ' ')
                    + " on the source; the target gets a plain table with its columns");
        }
        List<String> columnDefs = new ArrayList<>();
        List<Statement> comments = new ArrayList<>();
        for (ColumnMapping cm : spec.mapping().columns()) {
            ColumnDdl.Definition column = columns.definition(spec, cm, script);
            columnDefs.add(column.sql());
            column.comment().ifPresent(comments::add);
        }
        String unlogged = source.unlogged() && !spec.partitionedOnTarget() ? "UNLOGGED " : "";
        script.add(PreData.TABLES, new Statement("table " + name, "CREATE " + unlogged + "TABLE " + name + " ("
                + String.join(", ", columnDefs) + ")" + partitions.partitionBy(spec)));
        source.comment().ifPresent(c -> script.add(PreData.TABLES, new Statement("comment on " + name,
                "COMMENT ON TABLE " + name + " IS " + SqlText.literal(c))));
        script.addAll(PreData.TABLES, comments);
        partitions.partitions(spec, script);
        for (Long parentOid : source.inheritanceParentOids()) {
            Optional<String> parent = names.relation(parentOid);
            if (parent.isEmpty()) {
                script.warn(name + ": its inheritance parent (oid " + parentOid + ") is not selected, so it is"
                        + " created as a plain table without INHERIT");
            } else {
                script.add(PreData.TABLE_LINKS, new Statement("inherit " + name, "ALTER TABLE " + name + " INHERIT "
                        + parent.get()));
            }
        }
    }
}
