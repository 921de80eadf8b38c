package dev.godwit.workers.schema;

import dev.godwit.mappings.sql.SqlText;
import dev.godwit.workers.catalog.OperatorClass;
import dev.godwit.workers.catalog.OperatorFamily;
import dev.godwit.workers.catalog.SourceCatalog;
import dev.godwit.workers.schema.ScriptBuilder.PreData;
import dev.godwit.workers.schema.SchemaScript.Statement;

import java.util.ArrayList;
import java.util.List;

/**
 * The operator families and classes of the schemas in scope, as pg_dump prints them: a family only when its class
 * does not make it (it has loose members, or no class of its name), with its loose members added by ALTER OPERATOR
 * FAMILY; then each class with the operators and support functions it lists. They go at the end of the pre-data,
 * after every operator and function they name: only indexes and exclusion constraints (post-data) use them. They
 * have no IF NOT EXISTS: one the target has already is kept.
 */
final class OperatorClassDdl implements DdlPart {
    private final SourceCatalog catalog;
    private final ObjectScope scope;

    OperatorClassDdl(SourceCatalog catalog, ObjectScope scope) {
        this.catalog = catalog;
        this.scope = scope;
    }

    @Override
    public void write(ScriptBuilder script) {
        for (OperatorFamily f : catalog.objects().defined().operatorFamilies()) {
            String object = "operator family " + f.schema() + "." + f.name() + " using " + f.method();
            if ((f.implied() && f.looseMembers().isEmpty()) || !scope.carries(f.schema(), object, script)) {
                continue;
            }
            script.add(PreData.TABLE_LINKS, new Statement(object, OperatorDdl.unlessExists(create(f))));
            f.comment().ifPresent(c -> script.add(PreData.TABLE_LINKS, new Statement("comment on " + object,
                    "COMMENT ON OPERATOR FAMILY " + SqlText.qualified(f.schema(), f.name()) + " USING " + f.method()
                            + " IS " + SqlText.literal(c))));
        }
        for (OperatorClass c : catalog.objects().defined().operatorClasses()) {
            String object = "operator class " + c.schema() + "." + c.name() + " using " + c.method();
            if (!scope.carries(c.schema(), object, script)) {
                continue;
            }
            script.add(PreData.TABLE_LINKS, new Statement(object, OperatorDdl.unlessExists(create(c))));
            c.comment().ifPresent(text -> script.add(PreData.TABLE_LINKS, new Statement("comment on " + object,
                    "COMMENT ON OPERATOR CLASS " + SqlText.qualified(c.schema(), c.name()) + " USING " + c.method()
                            + " IS " + SqlText.literal(text))));
        }
    }


    /** The family, and its loose members in the same text: they are created, or kept, together. */
    static String create(OperatorFamily f) {
        String name = SqlText.qualified(f.schema(), f.name()) + " USING " + SqlText.identifier(f.method());
        List<String> statements = new ArrayList<>();
        statements.add("CREATE OPERATOR FAMILY " + name);
        if (!f.looseMembers().isEmpty()) {
            statements.add("ALTER OPERATOR FAMILY " + name + " ADD " + String.join(", ", f.looseMembers()));
        }
        return String.join("; ", statements);
    }

    static String create(OperatorClass c) {
        List<String> items = new ArrayList<>(c.members());
        c.storage().ifPresent(s -> items.add("STORAGE " + s));
        return "CREATE OPERATOR CLASS " + SqlText.qualified(c.schema(), c.name()) + (c.isDefault() ? " DEFAULT" : "")
                + " FOR TYPE " + c.type() + " USING " + SqlText.identifier(c.method())
                + (c.ownFamily() ? "" : " FAMILY " + c.family()) + " AS " + String.join(", ", items);
    }
}
