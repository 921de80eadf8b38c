package dev.godwit.workers.schema;

import dev.godwit.mappings.sql.SqlText;
import dev.godwit.workers.catalog.Operator;
import dev.godwit.workers.catalog.SourceCatalog;
import dev.godwit.workers.schema.SchemaScript.Statement;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The operators of the selected schemas, built from {@code pg_operator}: function, argument types, commutator and
 * negator, restriction and join estimators, HASHES and MERGES. After their function, before the tables whose
 * defaults, checks and indexes may use them. A commutator or negator not created yet is made a shell by PostgreSQL
 * and filled when its own CREATE OPERATOR runs. A postfix operator (gone in PostgreSQL 14) or one whose function is
 * not created is named as not created.
 */
final class OperatorDdl implements DdlPart {
    private final SourceCatalog catalog;
    private final ObjectScope scope;
    private final RoutineDdl routines;

    OperatorDdl(SourceCatalog catalog, ObjectScope scope, RoutineDdl routines) {
        this.catalog = catalog;
        this.scope = scope;
        this.routines = routines;
    }

    @Override
    public void write(ScriptBuilder script) {
        for (Operator o : catalog.objects().defined().operators()) {
            if (!scope.covers(o.schema())) {
                continue;
            }
            String signature = o.name() + "(" + o.leftType().orElse("NONE") + ", " + o.rightType().orElse("NONE") + ")";
            String object = "operator " + o.schema() + "." + signature;
            Optional<String> problem = o.rightType().isEmpty()
                    ? Optional.of("a postfix operator, which PostgreSQL 14 and later cannot have")
                    : scope.schemaProblem(o.schema()).or(() -> routines.callProblem(o.functionOid()));
            if (problem.isPresent()) {
                script.notCreated(object, problem.get());
                continue;
            }
            script.add(routines.sectionAfter(o.functionOid()), new Statement(object, unlessExists(create(o))));
            o.comment().ifPresent(c -> script.add(routines.sectionAfter(o.functionOid()), new Statement(
                    "comment on " + object, "COMMENT ON OPERATOR " + SqlText.identifier(o.schema()) + "." + o.name()
                    + " (" + o.leftType().orElse("NONE") + ", " + o.rightType().get() + ") IS " + SqlText.literal(c))));
        }
    }

    static String create(Operator o) {
        List<String> options = new ArrayList<>();
        options.add("FUNCTION = " + o.function());
        o.leftType().ifPresent(t -> options.add("LEFTARG = " + t));
        o.rightType().ifPresent(t -> options.add("RIGHTARG = " + t));
        o.commutator().ifPresent(c -> options.add("COMMUTATOR = " + c));
        o.negator().ifPresent(n -> options.add("NEGATOR = " + n));
        o.restrict().ifPresent(r -> options.add("RESTRICT = " + r));
        o.join().ifPresent(j -> options.add("JOIN = " + j));
        if (o.hashes()) {
            options.add("HASHES");
        }
        if (o.merges()) {
            options.add("MERGES");
        }
        return "CREATE OPERATOR " + SqlText.identifier(o.schema()) + "." + o.name() + " (" + String.join(", ", options)
                + ")";
    }

    /**
     * The statement, kept from failing when the object is there already (a second run on the same target): casts
     * and operators have no IF NOT EXISTS, and DROP TABLE does not drop them.
     */
    static String unlessExists(String create) {
        return "DO $godwit$ BEGIN " + create + "; EXCEPTION WHEN duplicate_object OR duplicate_function THEN NULL;"
                + " END $godwit$";
    }
}
