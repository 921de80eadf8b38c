package dev.godwit.workers.schema;

import dev.godwit.workers.catalog.SourceCatalog;
import dev.godwit.workers.catalog.UserType;

/**
 * Every user type of the selected schemas (enum, domain, composite, range), whether a selected column uses it or
 * not, and the extensions the schemas' objects need ({@link ObjectExtensions}): functions take and return such
 * types, and a DBA expects the domain no column uses yet to be there too. {@link TypeDdl} creates them, in
 * dependency order with the columns' own, so this part runs before it.
 */
final class SchemaObjectsTypeDdl implements DdlPart {
    private final SourceCatalog catalog;
    private final ObjectScope scope;
    private final TypeDdl types;

    SchemaObjectsTypeDdl(SourceCatalog catalog, ObjectScope scope, TypeDdl types) {
        this.catalog = catalog;
        this.scope = scope;
        this.types = types;
    }

    @Override
    public void write(ScriptBuilder script) {
        for (UserType t : catalog.types()) {
            if (!t.fromExtension() && scope.covers(t.schema())) {
                types.requireType(t);
            }
        }
        ObjectExtensions.needed(catalog, scope.schemas()).keySet().forEach(types::requireExtension);
    }
}
