package dev.godwit.workers.schema;

import dev.godwit.mappings.sql.SqlText;
import dev.godwit.workers.catalog.ColumnOptions;
import dev.godwit.workers.catalog.SourceCatalog;
import dev.godwit.workers.catalog.StorageOptions;
import dev.godwit.workers.schema.ScriptBuilder.PreData;
import dev.godwit.workers.schema.SchemaScript.Statement;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a table and its kept partitions set beyond their columns, as pg_dump prints it: storage parameters
 * ({@code fillfactor}, {@code autovacuum_*}, the TOAST table's as {@code toast.*}) by {@code ALTER TABLE … SET},
 * and per column a statistics target, a storage mode other than the type's and attribute options
 * ({@code n_distinct}). Set right after the tables are created, before the copy fills them, so that the fillfactor
 * shapes the pages the copy writes. An index's column statistics target waits for the index, in the post-data.
 * A table the mappings partition on the target takes no storage parameters (PostgreSQL refuses them on a
 * partitioned table): they are left out with a warning.
 */
final class StorageOptionsDdl implements DdlPart.PerTable {
    /** after the tables' own phase, when the indexes exist; one group shared by every table */
    static final String INDEX_STATISTICS_GROUP = "statistics";

    private final SourceCatalog catalog;
    private final TargetNames names;

    StorageOptionsDdl(SourceCatalog catalog, TargetNames names) {
        this.catalog = catalog;
        this.names = names;
    }

    @Override
    public void write(TargetTableSpec spec, ScriptBuilder script) {
        String table = TargetNames.table(spec);
        Map<String, String> columns = names.columns(spec);
        Optional<StorageOptions> options = storage(spec.source().oid());
        if (spec.partitionedOnTarget() && !spec.keepsPartitions() && options.isPresent()) {
            script.warn(table + ": its storage parameters " + parameters(options.get()) + " are left out, the"
                    + " target table is partitioned; set them on its partitions");
        } else {
            options.ifPresent(o -> script.add(PreData.TABLES, set(table, o)));
        }
        script.addAll(PreData.TABLES, columnOptions(spec.source().oid(), table, columns));
        for (PartitionLayout.Placed p : names.partitions(spec).placed()) {
            storage(p.partition().oid()).ifPresent(o -> script.add(PreData.TABLES, set(p.name(), o)));
            script.addAll(PreData.TABLES, columnOptions(p.partition().oid(), p.name(), columns));
        }
        String schema = spec.mapping().targetSchema();
        for (ColumnOptions c : catalog.objects().defined().columnOptions()) {
            if (c.relationOid() != spec.source().oid() || c.index().isEmpty() || c.statistics().isEmpty()) {
                continue;
            }
            String index = SqlText.qualified(schema, c.index().get());
            // IF EXISTS: the index may be one the target leaves out (invalid, or on a removed column)
            script.addToShared(INDEX_STATISTICS_GROUP, SchemaScript.FOREIGN_KEY_PHASE, new Statement(
                    "statistics of index " + index + " column " + c.attnum(), "ALTER INDEX IF EXISTS " + index
                    + " ALTER COLUMN " + c.attnum() + " SET STATISTICS " + c.statistics().getAsInt()));
        }
    }

    private Optional<StorageOptions> storage(long oid) {
        return catalog.objects().defined().storage().stream().filter(s -> s.relationOid() == oid).findFirst();
    }

    private static Statement set(String table, StorageOptions o) {
        return new Statement("storage parameters of " + table, "ALTER TABLE " + table + " SET (" + parameters(o) + ")");
    }

    private static String parameters(StorageOptions o) {
        List<String> out = new ArrayList<>();
        o.options().forEach(option -> out.add(parameter("", option)));
        o.toastOptions().forEach(option -> out.add(parameter("toast.", option)));
        return String.join(", ", out);
    }

    /** {@code name=value} as reloptions holds it, the value quoted as pg_dump does: {@code fillfactor='90'}. */
    static String parameter(String prefix, String option) {
        int eq = option.indexOf('=');
        return eq < 0 ? prefix + option : prefix + option.substring(0, eq) + "=" + SqlText.literal(option.substring(eq + 1));
    }

    private List<Statement> columnOptions(long oid, String table, Map<String, String> columns) {
        List<Statement> out = new ArrayList<>();
        for (ColumnOptions c : catalog.objects().defined().columnOptions()) {
            String target = c.relationOid() == oid && c.index().isEmpty() ? columns.get(c.name()) : null;
            if (target == null) {
                continue;
            }
            String column = "ALTER TABLE " + table + " ALTER COLUMN " + SqlText.identifier(target);
            String object = table + "." + target;
            c.statistics().ifPresent(n -> out.add(new Statement("statistics target of " + object,
                    column + " SET STATISTICS " + n)));
            c.storage().map(StorageOptionsDdl::storageMode).ifPresent(mode -> out.add(new Statement(
                    "storage of " + object, column + " SET STORAGE " + mode)));
            if (!c.options().isEmpty()) {
                out.add(new Statement("options of " + object, column + " SET (" + String.join(", ",
                        c.options().stream().map(o -> parameter("", o)).toList()) + ")"));
            }
        }
        return out;
    }

    private static String storageMode(String attstorage) {
        return switch (attstorage) {
            case "p" -> "PLAIN";
            case "e" -> "EXTERNAL";
            case "m" -> "MAIN";
            default -> "EXTENDED";
        };
    }
}
