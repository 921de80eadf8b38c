package dev.godwit.workers.schema;

import dev.godwit.mappings.sql.SqlText;
import dev.godwit.workers.catalog.Namespace;
import dev.godwit.workers.catalog.Routine;
import dev.godwit.workers.catalog.SourceCatalog;
import dev.godwit.workers.catalog.Table;
import dev.godwit.workers.catalog.TableKind;
import dev.godwit.workers.catalog.ViewInfo;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Which of the source's other objects (routines, views, triggers, policies, …) a task carries, and why not when it
 * does not. The objects of the selected tables' source schemas are carried, those of the schemas the mappings'
 * selection rules name even where none of their tables is selected (an application's empty {@code app_hidden}),
 * and those of a schema of functions and types that a carried function's {@code search_path} names. Their definitions name tables by their
 * source names, and godwit uses them verbatim rather than rewrite SQL bodies: so an object that names a relation
 * the mappings rename, or one they do not select, is named as not created instead of created wrong.
 */
final class ObjectScope {
    private final SourceCatalog catalog;
    private final TargetNames names;
    private final List<TargetTableSpec> specs;
    private final Set<String> schemas = new TreeSet<>();
    /** relation oid to why an object naming it cannot be created verbatim ("" when it can), filled as asked */
    private final Map<Long, String> problems = new HashMap<>();

    ObjectScope(SourceCatalog catalog, List<TargetTableSpec> specs, TargetNames names, Predicate<String> selection) {
        this.catalog = catalog;
        this.names = names;
        this.specs = specs;
        specs.forEach(s -> schemas.add(s.source().schema()));
        catalog.objects().defined().schemas().stream().map(Namespace::name).filter(selection)
                .forEach(schemas::add);
        schemas.addAll(helperSchemas(catalog, schemas));
    }

    /**
     * The schemas on the {@code search_path} setting of a function of these schemas that hold no relation: the
     * function resolves names there (a helper schema of functions and types), so they go with it. A schema with
     * relations stays out unless a table of it is selected: which of its tables go is the mappings' call.
     */
    private static Set<String> helperSchemas(SourceCatalog catalog, Set<String> schemas) {
        Set<String> withRelations = new TreeSet<>();
        catalog.tables().forEach(t -> withRelations.add(t.schema()));
        Set<String> source = new TreeSet<>();
        catalog.objects().defined().schemas().forEach(n -> source.add(n.name()));
        Set<String> out = new TreeSet<>();
        for (Routine r : catalog.objects().routines()) {
            if (schemas.contains(r.schema()) && r.searchPath().isPresent()) {
                ObjectExtensions.searchPath(r.searchPath().get()).stream()
                        .filter(s -> source.contains(s) && !withRelations.contains(s)).forEach(out::add);
            }
        }
        return out;
    }

    /**
     * Whether the objects of this source schema go with the task: it holds a selected table, the selection names it,
     * or a carried function's search_path names it and it holds no relation.
     */
    boolean covers(String schema) {
        return schemas.contains(schema);
    }

    Set<String> schemas() {
        return schemas;
    }

    /**
     * Whether an object of this schema is created: its schema is in scope and keeps its name on the target (else the
     * object is named as not created, with why). The schema is then created too.
     */
    boolean carries(String schema, String object, ScriptBuilder script) {
        if (!covers(schema)) {
            return false;
        }
        Optional<String> problem = schemaProblem(schema);
        problem.ifPresent(p -> script.notCreated(object, p));
        if (problem.isEmpty()) {
            script.needSchema(schema);
        }
        return problem.isEmpty();
    }

    /** Why an object of this schema cannot keep its source definition: the mappings move the schema. */
    Optional<String> schemaProblem(String schema) {
        String target = names.schema(schema);
        return target.equals(schema) ? Optional.empty() : Optional.of("its schema " + schema + " becomes " + target
                + " on the target, and its definition names the source schema (godwit does not rewrite definitions)");
    }

    /**
     * Why an object that names this relation (a view reading it, a trigger on it) cannot be created verbatim; empty
     * when the relation is on the target under its source name with its source columns.
     */
    Optional<String> relationProblem(long oid) {
        String known = problems.get(oid);
        if (known == null) {
            problems.put(oid, "it depends on itself");
            known = findProblem(oid);
            problems.put(oid, known);
        }
        return known.isEmpty() ? Optional.empty() : Optional.of(known);
    }

    /** Whether a view or materialized view of the source is created as one (not copied as a table). */
    boolean createsView(Table view) {
        return isView(view) && names.relation(view.oid()).isEmpty() && covers(view.schema())
                && relationProblem(view.oid()).isEmpty();
    }

    /** Whether the mappings select this relation (it becomes a target table). */
    boolean selected(long oid) {
        return names.relation(oid).isPresent();
    }

    /** Whether the mappings rename or move any selected table or its columns. */
    boolean renames() {
        return specs.stream().anyMatch(s -> relationProblem(s.source().oid()).isPresent()
                || schemaProblem(s.source().schema()).isPresent());
    }

    /** The first problem among the relations, if any. */
    Optional<String> relationsProblem(List<Long> oids) {
        return oids.stream().map(this::relationProblem).flatMap(Optional::stream).findFirst();
    }

    private String findProblem(long oid) {
        Optional<Table> relation = catalog.tableByOid(oid);
        if (relation.isEmpty()) {
            return "it depends on a relation (oid " + oid + ") that godwit does not migrate";
        }
        Table t = relation.get();
        String source = SqlText.qualified(t.schema(), t.name());
        Optional<String> target = names.relation(oid);
        if (target.isPresent()) {
            if (!target.get().equals(source)) {
                return "it names " + t.schema() + "." + t.name() + ", which the mappings rename to " + target.get()
                        + " (godwit does not rewrite definitions)";
            }
            boolean renamedColumns = names.columns(oid).entrySet().stream()
                    .anyMatch(e -> !e.getKey().equals(e.getValue()));
            return renamedColumns ? "it names " + t.schema() + "." + t.name() + ", whose columns the mappings rename"
                    + " or remove (godwit does not rewrite definitions)" : "";
        }
        if (isView(t) && covers(t.schema())) {
            Optional<String> schema = schemaProblem(t.schema());
            if (schema.isPresent()) {
                return schema.get();
            }
            List<Long> reads = catalog.objects().view(oid).map(ViewInfo::relations).orElse(List.of());
            return relationsProblem(reads).map(p -> "it reads " + t.schema() + "." + t.name() + ", which is not"
                    + " created: " + p).orElse("");
        }
        return "it names " + t.schema() + "." + t.name() + ", which the mappings do not select";
    }

    private static boolean isView(Table t) {
        return t.kind() == TableKind.VIEW || t.kind() == TableKind.MATERIALIZED_VIEW;
    }
}
