package dev.godwit.workers.schema;

import dev.godwit.mappings.rules.SelectionRule;
import dev.godwit.mappings.task.AccessSettings;
import dev.godwit.workers.catalog.SourceCatalog;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Writes the target schema of a task: pre-data (schemas, extensions, types, sequences, routines, tables and
 * partitions) and post-data (keys, indexes, constraints, replica identity, then foreign keys, views, triggers,
 * rules, row-level security and materialized view refreshes), from the source catalog as the mappings transform it.
 * Everything it degrades is named in {@link SchemaScript#warnings()}, every object of the selected schemas it does
 * not create in {@link SchemaScript#notCreated()}. See docs/schema-objects.md.
 *
 * <p>Each kind of object is a {@link DdlPart} of its own; this class only settles the target names and runs the
 * parts. A new kind of object is a new part in {@link #parts}, not a new branch here.
 */
public final class DdlWriter {
    /**
     * @param schemaMapping    source schema to target schema, for types, sequences and partitions (tables take their
     *                         target schema from their mapping)
     * @param rangeBounds      min and max of the partition column of each range-repartitioned table, by
     *                         {@link TargetTableSpec#targetKey()}
     * @param idempotentTypes  create types only when missing (for a target that may hold them already)
     * @param schemaObjects    create the other objects of the selected schemas too (routines, views, triggers, …);
     *                         off where the target already holds some of the tables, and so maybe their objects
     * @param schemaSelection  the source schemas the mappings' selection rules name (by pattern), whose objects go
     *                         with the task even when no table of theirs is selected (an empty schema is created)
     * @param access           whether the objects' owners and privileges are carried ({@link AccessDdl})
     */
    public record Options(Function<String, String> schemaMapping, Map<String, RangeBounds> rangeBounds,
                          boolean idempotentTypes, boolean schemaObjects, Predicate<String> schemaSelection,
                          AccessSettings access) {
        public Options {
            rangeBounds = Map.copyOf(rangeBounds);
        }

        public static Options defaults() {
            return new Options(Function.identity(), Map.of(), false, true, schema -> false, AccessSettings.defaults());
        }

        public Options withSchemaMapping(Function<String, String> mapping) {
            return new Options(mapping, rangeBounds, idempotentTypes, schemaObjects, schemaSelection, access);
        }

        public Options withRangeBounds(String targetKey, RangeBounds bounds) {
            Map<String, RangeBounds> all = new LinkedHashMap<>(rangeBounds);
            all.put(targetKey, bounds);
            return new Options(schemaMapping, all, idempotentTypes, schemaObjects, schemaSelection, access);
        }

        public Options withIdempotentTypes() {
            return new Options(schemaMapping, rangeBounds, true, schemaObjects, schemaSelection, access);
        }

        public Options withoutSchemaObjects() {
            return new Options(schemaMapping, rangeBounds, idempotentTypes, false, schemaSelection, access);
        }

        public Options withAccess(AccessSettings settings) {
            return new Options(schemaMapping, rangeBounds, idempotentTypes, schemaObjects, schemaSelection, settings);
        }

        public Options withSchemaSelection(Predicate<String> selection) {
            return new Options(schemaMapping, rangeBounds, idempotentTypes, schemaObjects, selection, access);
        }

        /** The schemas these selection rules name as a whole ({@link SelectedSchemas}). */
        public Options withSelectionRules(List<SelectionRule> rules) {
            return withSchemaSelection(SelectedSchemas.of(rules));
        }
    }

    private DdlWriter() {
    }

    public static SchemaScript write(SourceCatalog catalog, List<TargetTableSpec> specs, Options options) {
        ScriptBuilder script = new ScriptBuilder();
        parts(catalog, specs, options).forEach(part -> part.write(script));
        return script.build();
    }

    /** The roles the script's grants and owners name, which must exist on the target (for preflight to check). */
    public static AccessRoles roles(SourceCatalog catalog, List<TargetTableSpec> specs, Options options) {
        ScriptBuilder script = new ScriptBuilder();
        parts(catalog, specs, options).forEach(part -> part.write(script));
        return script.roles();
    }

    /**
     * The parts in the order they run. Where their statements go is said by each statement's section or phase,
     * not by this order; this order serves what a part learns from an earlier one: the types and the schemas are
     * known only once the tables are written. It is also the order of the warnings. The tables go in the order
     * given but for a table whose column is another one's row type, which comes after it ({@link RowTypeOrder}).
     */
    private static List<DdlPart> parts(SourceCatalog catalog, List<TargetTableSpec> given, Options options) {
        List<TargetTableSpec> specs = RowTypeOrder.of(catalog, given);
        TargetNames names = TargetNames.of(catalog, specs, options.schemaMapping());
        TypeDdl types = new TypeDdl(catalog, options);
        SequenceDdl sequences = new SequenceDdl(catalog, specs, names);
        ColumnDdl columns = new ColumnDdl(names, types, sequences);
        IndexDdl indexes = new IndexDdl(names);
        ConstraintDdl constraints = new ConstraintDdl(names, indexes, new ForeignKeyDdl(catalog, names));
        List<DdlPart> parts = new ArrayList<>(List.of(
                DdlPart.eachTable(specs, new TableDdl(names, columns, new PartitionDdl(names, options))),
                DdlPart.eachTable(specs, new StorageOptionsDdl(catalog, names)),
                DdlPart.eachTable(specs, new TableKeysDdl(names, constraints, indexes))));
        if (options.schemaObjects()) {
            parts.addAll(objectParts(catalog, specs, names, types, sequences, options));
        }
        parts.add(types);
        parts.add(new SchemaDdl(specs, names, types));
        return parts;
    }

    /**
     * The objects around the tables: they come after the tables' parts, and before types and schemas; their owners and
     * privileges last, once every part has said what it creates.
     */
    private static List<DdlPart> objectParts(SourceCatalog catalog, List<TargetTableSpec> specs, TargetNames names,
                                             TypeDdl types, SequenceDdl sequences, Options options) {
        ObjectScope scope = new ObjectScope(catalog, specs, names, options.schemaSelection());
        RoutineDdl routines = new RoutineDdl(catalog, scope);
        return List.of(
                new SchemaObjectsTypeDdl(catalog, scope, types),
                new SchemaScopeDdl(catalog, scope, names, types),
                new CollationDdl(catalog, scope, names, specs),
                new StandaloneSequenceDdl(catalog, scope, sequences, names),
                routines,
                new ViewDdl(catalog, scope, routines),
                new TriggerDdl(catalog, scope, routines),
                new RuleDdl(catalog, scope),
                new RowSecurityDdl(catalog, scope),
                new StatisticsObjectDdl(catalog, scope),
                new CastDdl(catalog, scope, routines),
                new OperatorDdl(catalog, scope, routines),
                new TextSearchDdl(catalog, scope),
                new OperatorClassDdl(catalog, scope),
                new UnsupportedObjectsDdl(catalog, scope),
                new AccessDdl(catalog, new AccessTargets(catalog, specs, names, scope, sequences, routines, types),
                        options.access()));
    }
}
