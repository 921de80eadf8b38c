package dev.godwit.workers.schema;

import dev.godwit.mappings.sql.SqlText;
import dev.godwit.workers.schema.ScriptBuilder.PreData;
import dev.godwit.workers.schema.SchemaScript.Statement;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * CREATE SCHEMA IF NOT EXISTS for every schema the script creates something in: the tables' and partitions', then
 * the types' and extensions', and those other parts asked for (standalone sequences', routines'). It runs after the parts it serves, since the types are known only once the tables are
 * written, and its statements still go first ({@link PreData#SCHEMAS}).
 */
final class SchemaDdl implements DdlPart {
    private final List<TargetTableSpec> specs;
    private final TargetNames names;
    private final TypeDdl types;

    SchemaDdl(List<TargetTableSpec> specs, TargetNames names, TypeDdl types) {
        this.specs = specs;
        this.names = names;
        this.types = types;
    }

    @Override
    public void write(ScriptBuilder script) {
        Set<String> schemas = new LinkedHashSet<>();
        for (TargetTableSpec spec : specs) {
            schemas.add(spec.mapping().targetSchema());
            spec.partitions().forEach(p -> schemas.add(names.partitionSchema(spec, p)));
        }
        schemas.addAll(types.schemasUsed());
        schemas.addAll(script.schemasNeeded());
        for (String schema : schemas) {
            script.add(PreData.SCHEMAS, new Statement("schema " + schema,
                    "CREATE SCHEMA IF NOT EXISTS " + SqlText.identifier(schema)));
        }
    }
}
