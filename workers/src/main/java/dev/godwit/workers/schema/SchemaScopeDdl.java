package dev.godwit.workers.schema;

import dev.godwit.mappings.sql.SqlText;
import dev.godwit.workers.catalog.ExtensionComment;
import dev.godwit.workers.catalog.Namespace;
import dev.godwit.workers.catalog.SourceCatalog;
import dev.godwit.workers.schema.ScriptBuilder.PreData;
import dev.godwit.workers.schema.SchemaScript.Statement;

/**
 * Every schema of the task's scope ({@link ObjectScope#covers}), even one that holds nothing the script creates
 * (an empty schema the selection names), and the comments on those schemas (NULL where the source has none) and
 * on the extensions the script creates. The comments go last: nothing depends on them.
 */
final class SchemaScopeDdl implements DdlPart {
    private final SourceCatalog catalog;
    private final ObjectScope scope;
    private final TargetNames names;
    private final TypeDdl types;

    SchemaScopeDdl(SourceCatalog catalog, ObjectScope scope, TargetNames names, TypeDdl types) {
        this.catalog = catalog;
        this.scope = scope;
        this.names = names;
        this.types = types;
    }

    @Override
    public void write(ScriptBuilder script) {
        for (Namespace n : catalog.objects().defined().schemas()) {
            if (!scope.covers(n.name())) {
                continue;
            }
            String target = names.schema(n.name());
            script.needSchema(target);
            // none on the source is said too: a target's public schema comes with template1's comment
            script.add(PreData.COMMENTS, new Statement("comment on schema " + target, "COMMENT ON SCHEMA "
                    + SqlText.identifier(target) + " IS " + n.comment().map(SqlText::literal).orElse("NULL")));
        }
        for (ExtensionComment c : catalog.objects().defined().extensionComments()) {
            if (types.extensionsUsed().contains(c.extension())) {
                script.add(PreData.COMMENTS, new Statement("comment on extension " + c.extension(),
                        "COMMENT ON EXTENSION " + SqlText.identifier(c.extension()) + " IS "
                                + SqlText.literal(c.comment())));
            }
        }
    }
}
