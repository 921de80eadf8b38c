package dev.godwit.workers.schema;

import dev.godwit.mappings.sql.SqlText;
import dev.godwit.workers.catalog.Routine;
import dev.godwit.workers.catalog.SourceCatalog;
import dev.godwit.workers.catalog.Table;
import dev.godwit.workers.catalog.TableKind;
import dev.godwit.workers.schema.ScriptBuilder.PreData;
import dev.godwit.workers.schema.SchemaScript.Statement;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The functions, procedures and aggregates of the selected schemas, from {@code pg_get_functiondef} as the source
 * prints them (aggregates from {@link AggregateText}). They are created with {@code check_function_bodies} off, as
 * pg_dump does, because a body may name a table or another function that comes later; and before the tables, since
 * a column default or check may call them. A routine whose signature takes a table's row type (or a type built on
 * one, {@link ScriptBuilder.PreData#TABLE_TYPES}) is created just after the tables; one that takes a view's, with the
 * views ({@link #afterViews()}). An aggregate goes where its own and its support functions' relations say, after
 * the functions of that section.
 *
 * <p>Not created, and named in {@link SchemaScript#notCreated()}: C and internal functions outside an extension
 * (their library is a file on the source server), and routines that name a relation the mappings rename or leave
 * out, or whose schema the mappings move.
 */
final class RoutineDdl implements DdlPart {
    static final Statement BODIES_UNCHECKED = new Statement("function bodies unchecked",
            "SET check_function_bodies = off");
    static final Statement BODIES_CHECKED = new Statement("function bodies checked again",
            "RESET check_function_bodies");

    private final SourceCatalog catalog;
    private final ObjectScope scope;
    private final Set<Long> created = new HashSet<>();
    private final List<Statement> afterViews = new ArrayList<>();

    RoutineDdl(SourceCatalog catalog, ObjectScope scope) {
        this.catalog = catalog;
        this.scope = scope;
    }

    @Override
    public void write(ScriptBuilder script) {
        List<Statement> first = new ArrayList<>();
        List<Statement> afterTables = new ArrayList<>();
        int uncheckedBodies = 0;
        for (Routine r : functionsThenAggregates()) {
            if (!scope.covers(r.schema())) {
                continue;
            }
            Optional<String> problem = problem(r);
            if (problem.isPresent()) {
                script.notCreated(r.kind().keyword().toLowerCase() + " " + r.schema() + "." + r.name() + "("
                        + r.identityArguments() + ")", problem.get());
                continue;
            }
            created.add(r.oid());
            List<Statement> out = readsViews(r) ? afterViews : r.relations().isEmpty() ? first : afterTables;
            out.add(new Statement(r.kind().keyword().toLowerCase() + " " + r.schema() + "." + r.name(),
                    r.kind() == Routine.Kind.AGGREGATE ? AggregateText.create(r) : r.definition().orElseThrow()));
            r.comment().ifPresent(c -> out.add(new Statement("comment on " + r.name(), "COMMENT ON "
                    + r.kind().keyword() + " " + (r.kind() == Routine.Kind.AGGREGATE ? AggregateText.signature(r)
                    : SqlText.qualified(r.schema(), r.name()) + "(" + r.identityArguments() + ")") + " IS "
                    + SqlText.literal(c))));
            if (r.relations().isEmpty()) {
                uncheckedBodies++;
            }
        }
        script.addAll(PreData.ROUTINES, unchecked(first));
        script.addAll(PreData.TABLE_ROUTINES, unchecked(afterTables));
        if (uncheckedBodies > 0 && scope.renames()) {
            script.warn(uncheckedBodies + " functions are created as the source defines them; their bodies name"
                    + " tables by their source names, and the mappings rename or move some tables: check the bodies");
        }
    }

    /**
     * The routines with every aggregate last: an aggregate goes in the section its relations (its own and its
     * support functions') say, like a function, and after the functions of that section it may call.
     */
    private List<Routine> functionsThenAggregates() {
        List<Routine> out = new ArrayList<>(catalog.objects().routines());
        out.sort(Comparator.comparing(r -> r.kind() == Routine.Kind.AGGREGATE));
        return out;
    }

    /** The routines that take or return a view's row type: created with the views, after them. */
    List<Statement> afterViews() {
        return afterViews.isEmpty() ? List.of() : unchecked(afterViews);
    }

    /** Whether a routine of the source is created on the target (a trigger needs its function). */
    boolean creates(long oid) {
        return created.contains(oid);
    }

    /** Whether this oid is a routine godwit knows of (not a built-in or an extension's). */
    boolean knows(long oid) {
        return catalog.objects().routines().stream().anyMatch(r -> r.oid() == oid);
    }

    /**
     * Why an object that calls this function (an operator, a cast) cannot be created, if it cannot: the function is
     * a user routine that is not created, or one created only with the views.
     */
    Optional<String> callProblem(long oid) {
        Optional<Routine> r = catalog.objects().routines().stream().filter(x -> x.oid() == oid).findFirst();
        if (r.isEmpty()) {
            return Optional.empty();
        }
        String name = r.get().schema() + "." + r.get().name() + "(" + r.get().identityArguments() + ")";
        if (!creates(oid)) {
            return Optional.of("its function " + name + " is not created");
        }
        return readsViews(r.get()) ? Optional.of("its function " + name + " takes a view's row type and is created"
                + " with the views, after the tables that may use it") : Optional.empty();
    }

    /** The pre-data section after the function: the tables' section when its signature takes a table's row type. */
    PreData sectionAfter(long oid) {
        boolean afterTables = catalog.objects().routines().stream()
                .anyMatch(r -> r.oid() == oid && !r.relations().isEmpty());
        return afterTables ? PreData.TABLE_LINKS : PreData.OPERATORS;
    }

    private Optional<String> problem(Routine r) {
        boolean aggregate = r.kind() == Routine.Kind.AGGREGATE;
        if (!aggregate && ("c".equals(r.language()) || "internal".equals(r.language()))) {
            return Optional.of("a " + r.language() + "-language function outside any extension: its code is the"
                    + " library " + r.library().orElse("(built in)") + " on the source server; install that library on"
                    + " the target, then create the function there (pg_dump --schema-only prints its CREATE)");
        }
        if (!aggregate && r.definition().isEmpty()) {
            return Optional.of("its definition could not be read");
        }
        Optional<String> schema = scope.schemaProblem(r.schema());
        return schema.isPresent() ? schema : scope.relationsProblem(r.relations());
    }

    private boolean readsViews(Routine r) {
        return r.relations().stream().map(catalog::tableByOid).flatMap(Optional::stream).map(Table::kind)
                .anyMatch(k -> k == TableKind.VIEW || k == TableKind.MATERIALIZED_VIEW);
    }

    private static List<Statement> unchecked(List<Statement> statements) {
        if (statements.isEmpty()) {
            return statements;
        }
        List<Statement> out = new ArrayList<>();
        out.add(BODIES_UNCHECKED);
        out.addAll(statements);
        out.add(BODIES_CHECKED);
        return out;
    }
}
