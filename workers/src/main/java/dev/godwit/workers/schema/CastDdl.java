package dev.godwit.workers.schema;

import dev.godwit.mappings.sql.SqlText;
import dev.godwit.workers.catalog.Cast;
import dev.godwit.workers.catalog.SourceCatalog;
import dev.godwit.workers.schema.SchemaScript.Statement;

import java.util.Optional;

/**
 * The user-defined casts whose source type, target type or function belongs to a selected schema, created after
 * their function and types (WITH FUNCTION, WITHOUT FUNCTION or WITH INOUT; AS ASSIGNMENT or AS IMPLICIT as on the
 * source), before the tables whose defaults may use them. A cast has no IF NOT EXISTS: one the target already has
 * is kept. A cast naming a schema the mappings move, or a function that is not created, is named as not created.
 */
final class CastDdl implements DdlPart {
    private final SourceCatalog catalog;
    private final ObjectScope scope;
    private final RoutineDdl routines;

    CastDdl(SourceCatalog catalog, ObjectScope scope, RoutineDdl routines) {
        this.catalog = catalog;
        this.scope = scope;
        this.routines = routines;
    }

    @Override
    public void write(ScriptBuilder script) {
        for (Cast c : catalog.objects().defined().casts()) {
            if (c.schemas().stream().noneMatch(scope::covers)) {
                continue;
            }
            String object = "cast (" + c.source() + " AS " + c.target() + ")";
            Optional<String> problem = c.schemas().stream().filter(scope::covers).map(scope::schemaProblem)
                    .flatMap(Optional::stream).findFirst().or(() -> routines.callProblem(c.functionOid()));
            if (problem.isPresent()) {
                script.notCreated(object, problem.get());
                continue;
            }
            script.add(routines.sectionAfter(c.functionOid()), new Statement(object,
                    OperatorDdl.unlessExists(create(c))));
            c.comment().ifPresent(text -> script.add(routines.sectionAfter(c.functionOid()), new Statement(
                    "comment on " + object, "COMMENT ON CAST (" + c.source() + " AS " + c.target() + ") IS "
                    + SqlText.literal(text))));
        }
    }

    static String create(Cast c) {
        String how = switch (c.method()) {
            case "f" -> "WITH FUNCTION " + c.function().orElseThrow();
            case "i" -> "WITH INOUT";
            default -> "WITHOUT FUNCTION";
        };
        String context = switch (c.context()) {
            case "a" -> " AS ASSIGNMENT";
            case "i" -> " AS IMPLICIT";
            default -> "";
        };
        return "CREATE CAST (" + c.source() + " AS " + c.target() + ") " + how + context;
    }
}
