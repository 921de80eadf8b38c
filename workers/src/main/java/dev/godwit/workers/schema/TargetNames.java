package dev.godwit.workers.schema;

import dev.godwit.mappings.sql.SqlText;
import dev.godwit.workers.catalog.Extension;
import dev.godwit.workers.catalog.SourceCatalog;
import dev.godwit.workers.catalog.Table;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What the source relations and columns of a task are called on the target, settled before any statement is
 * written so that every part (a foreign key, an inheritance link, a partition's index) finds a relation the same
 * way whatever order the parts run in; and the rewriting of SQL text the source catalog printed into those names.
 */
final class TargetNames {
    private final Function<String, String> schemaMapping;
    /** schema qualifiers inside expressions: an extension's schema stays as it is (the extension is created there) */
    private final Function<String, String> expressionSchemas;
    /** source relation oid to its target qualified name (quoted), for foreign keys, inheritance and partitions */
    private final Map<Long, String> relations;
    /** source relation oid of each table to its source column names and their target names (null: removed) */
    private final Map<Long, Map<String, String>> columns;
    private final Map<Long, PartitionLayout> partitions;

    private TargetNames(Function<String, String> schemaMapping, Function<String, String> expressionSchemas,
                        Map<Long, String> relations, Map<Long, Map<String, String>> columns,
                        Map<Long, PartitionLayout> partitions) {
        this.schemaMapping = schemaMapping;
        this.expressionSchemas = expressionSchemas;
        this.relations = relations;
        this.columns = columns;
        this.partitions = partitions;
    }

    static TargetNames of(SourceCatalog catalog, List<TargetTableSpec> specs, Function<String, String> schemaMapping) {
        Set<String> extensionSchemas = catalog.extensions().stream().map(Extension::schema).collect(Collectors.toSet());
        Function<String, String> expressionSchemas = s -> extensionSchemas.contains(s) ? s : schemaMapping.apply(s);
        Map<Long, String> relations = new LinkedHashMap<>();
        Map<Long, Map<String, String>> columns = new LinkedHashMap<>();
        for (TargetTableSpec spec : specs) {
            relations.put(spec.source().oid(), table(spec));
            columns.put(spec.source().oid(), Collections.unmodifiableMap(columnMap(spec)));
        }
        Map<Long, PartitionLayout> partitions = new LinkedHashMap<>();
        for (TargetTableSpec spec : specs) {
            if (spec.keepsPartitions()) {
                PartitionLayout layout = PartitionLayout.of(spec.source(), table(spec), spec.partitions(),
                        p -> partitionSchema(spec, p, schemaMapping));
                layout.placed().forEach(p -> relations.put(p.partition().oid(), p.name()));
                partitions.put(spec.source().oid(), layout);
            }
        }
        return new TargetNames(schemaMapping, expressionSchemas, Map.copyOf(relations), Map.copyOf(columns),
                Map.copyOf(partitions));
    }

    /** The target table of a spec, quoted and qualified. */
    static String table(TargetTableSpec spec) {
        return SqlText.qualified(spec.mapping().targetSchema(), spec.mapping().targetName());
    }

    /** The target name of a selected table or of a kept partition of one. */
    Optional<String> relation(long sourceOid) {
        return Optional.ofNullable(relations.get(sourceOid));
    }

    /** Source column name to target name of a spec's table; a removed column maps to null. */
    Map<String, String> columns(TargetTableSpec spec) {
        return columns.get(spec.source().oid());
    }

    /** The same for any relation: empty for one that is not a selected table. */
    Map<String, String> columns(long sourceOid) {
        return columns.getOrDefault(sourceOid, Map.of());
    }

    /** The target schema of a source schema, for the objects that do not take it from a table mapping. */
    String schema(String sourceSchema) {
        return schemaMapping.apply(sourceSchema);
    }

    /** A partition in its parent's source schema goes where the table goes; one elsewhere, where its schema maps. */
    String partitionSchema(TargetTableSpec spec, Table partition) {
        return partitionSchema(spec, partition, schemaMapping);
    }

    /** The kept partitions of a spec's table, placed; none unless it {@link TargetTableSpec#keepsPartitions()}. */
    PartitionLayout partitions(TargetTableSpec spec) {
        return partitions.getOrDefault(spec.source().oid(), PartitionLayout.none());
    }

    /** Printed SQL (a default, an index or constraint definition) with the target's schemas, columns, sequences. */
    SqlRewriter.Result rewrite(String sql, Map<String, String> columnNames) {
        return SqlRewriter.rewrite(sql, expressionSchemas, columnNames, this::targetSequenceName);
    }

    /** A {@code 'schema.seq'::regclass} of the source as the target names it. */
    private String targetSequenceName(String printed) {
        return SqlRewriter.splitQualified(printed).filter(p -> p[0] != null)
                .map(p -> SqlRewriter.printedQualified(schemaMapping.apply(p[0]), p[1]))
                .orElse(printed);
    }

    private static String partitionSchema(TargetTableSpec spec, Table partition, Function<String, String> mapping) {
        return partition.schema().equals(spec.source().schema()) ? spec.mapping().targetSchema()
                : mapping.apply(partition.schema());
    }

    private static Map<String, String> columnMap(TargetTableSpec spec) {
        Map<String, String> out = new LinkedHashMap<>();
        spec.source().columns().forEach(c -> out.put(c.name(), null));
        spec.mapping().columns().stream().filter(c -> !c.added())
                .forEach(c -> out.put(c.sourceName(), c.targetName()));
        return out;
    }
}
