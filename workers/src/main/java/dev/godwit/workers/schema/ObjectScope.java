package dev.godwit.workers.schema;

import dev.godwit.mappings.sql.SqlText;
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

/**
 * Which of the source's other objects (routines, views, triggers, policies, …) a task carries, and why not when it
 * does not. The objects of the selected tables' source schemas are carried. Their definitions name tables by their
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

    ObjectScope(SourceCatalog catalog, List<TargetTableSpec> specs, TargetNames names) {
        this.catalog = catalog;
        this.names = names;
        this.specs = specs;
        specs.forEach(s -> schemas.add(s.source().schema()));
    }

    /** Whether the objects of this source schema go with the task: it holds a selected table. */
    boolean covers(String schema) {
        return schemas.contains(schema);
    }

    Set<String> schemas() {
        return schemas;
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
