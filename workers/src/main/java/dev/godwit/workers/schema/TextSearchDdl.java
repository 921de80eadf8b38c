package dev.godwit.workers.schema;

import dev.godwit.mappings.sql.SqlText;
import dev.godwit.workers.catalog.SourceCatalog;
import dev.godwit.workers.catalog.TextSearchConfiguration;
import dev.godwit.workers.catalog.TextSearchDictionary;
import dev.godwit.workers.schema.ScriptBuilder.PreData;
import dev.godwit.workers.schema.SchemaScript.Statement;

import java.util.ArrayList;
import java.util.List;

/**
 * The text search dictionaries and configurations of the schemas in scope, dictionaries first (a configuration maps
 * token types to them), after the extensions (a dictionary's template may be an extension's) and before the tables
 * (a generated column or an index may name a configuration). A configuration is created with its parser and then
 * given the source's mappings, as pg_dump does. They have no IF NOT EXISTS: one the target has already is kept.
 * Parsers and templates are C code: {@link UnsupportedObjectsDdl} names a user-defined one.
 */
final class TextSearchDdl implements DdlPart {
    private final SourceCatalog catalog;
    private final ObjectScope scope;

    TextSearchDdl(SourceCatalog catalog, ObjectScope scope) {
        this.catalog = catalog;
        this.scope = scope;
    }

    @Override
    public void write(ScriptBuilder script) {
        for (TextSearchDictionary d : catalog.objects().defined().textSearchDictionaries()) {
            String object = "text search dictionary " + d.schema() + "." + d.name();
            if (scope.carries(d.schema(), object, script)) {
                String name = SqlText.qualified(d.schema(), d.name());
                script.add(PreData.OPERATORS, new Statement(object, OperatorDdl.unlessExists(create(d))));
                d.comment().ifPresent(c -> script.add(PreData.OPERATORS, new Statement("comment on " + object,
                        "COMMENT ON TEXT SEARCH DICTIONARY " + name + " IS " + SqlText.literal(c))));
            }
        }
        for (TextSearchConfiguration c : catalog.objects().defined().textSearchConfigurations()) {
            String object = "text search configuration " + c.schema() + "." + c.name();
            if (scope.carries(c.schema(), object, script)) {
                String name = SqlText.qualified(c.schema(), c.name());
                script.add(PreData.OPERATORS, new Statement(object, OperatorDdl.unlessExists(create(c))));
                c.comment().ifPresent(text -> script.add(PreData.OPERATORS, new Statement("comment on " + object,
                        "COMMENT ON TEXT SEARCH CONFIGURATION " + name + " IS " + SqlText.literal(text))));
            }
        }
    }


    static String create(TextSearchDictionary d) {
        return "CREATE TEXT SEARCH DICTIONARY " + SqlText.qualified(d.schema(), d.name()) + " (TEMPLATE = "
                + d.template() + d.options().map(o -> ", " + o).orElse("") + ")";
    }

    /** The configuration and its mappings, as one text: they are created, or kept, together. */
    static String create(TextSearchConfiguration c) {
        String name = SqlText.qualified(c.schema(), c.name());
        List<String> statements = new ArrayList<>();
        statements.add("CREATE TEXT SEARCH CONFIGURATION " + name + " (PARSER = " + c.parser() + ")");
        c.mappings().forEach(m -> statements.add("ALTER TEXT SEARCH CONFIGURATION " + name + " ADD MAPPING " + m));
        return String.join("; ", statements);
    }
}
