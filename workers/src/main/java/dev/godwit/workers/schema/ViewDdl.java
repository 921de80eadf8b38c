package dev.godwit.workers.schema;

import dev.godwit.mappings.sql.SqlText;
import dev.godwit.workers.catalog.Column;
import dev.godwit.workers.catalog.Index;
import dev.godwit.workers.catalog.SourceCatalog;
import dev.godwit.workers.catalog.Table;
import dev.godwit.workers.catalog.TableKind;
import dev.godwit.workers.catalog.ViewInfo;
import dev.godwit.workers.schema.SchemaScript.Statement;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The views and materialized views of the selected schemas that are not themselves copied as tables, from
 * {@code pg_get_viewdef}, with their options, comments and (materialized) indexes. They go to a phase after the
 * foreign keys, in dependency order: a view after every view it reads. A materialized view is created WITH NO DATA
 * and refreshed in the last phase, once every table it reads is loaded. A view that reads a relation the mappings
 * rename or leave out is named as not created ({@link ObjectScope}). A view keeps its columns' defaults. A view whose query reads the view itself is
 * created over a stand-in of itself first ({@link #standIn}).
 */
final class ViewDdl implements DdlPart {
    private final SourceCatalog catalog;
    private final ObjectScope scope;
    private final RoutineDdl routines;

    ViewDdl(SourceCatalog catalog, ObjectScope scope, RoutineDdl routines) {
        this.catalog = catalog;
        this.scope = scope;
        this.routines = routines;
    }

    @Override
    public void write(ScriptBuilder script) {
        Set<Table> ordered = new LinkedHashSet<>();
        for (Table t : catalog.tables()) {
            if (!isView(t) || !scope.covers(t.schema()) || isCopied(t)) {
                continue;
            }
            if (scope.createsView(t)) {
                addInOrder(t, ordered);
            } else {
                script.notCreated(kind(t) + " " + t.schema() + "." + t.name(),
                        scope.relationProblem(t.oid()).orElse("it is not created"));
            }
        }
        List<Statement> views = new ArrayList<>();
        List<Statement> refreshes = new ArrayList<>();
        for (Table t : ordered) {
            if (catalog.objects().view(t.oid()).map(ViewInfo::readsItself).orElse(false)) {
                views.add(standIn(t));
            }
            views.addAll(create(t));
            // one the source never filled (WITH NO DATA) stays unfilled: a query of it fails on both sides alike
            if (t.kind() == TableKind.MATERIALIZED_VIEW
                    && catalog.objects().view(t.oid()).map(ViewInfo::populated).orElse(true)) {
                refreshes.add(new Statement("refresh " + t.schema() + "." + t.name(),
                        "REFRESH MATERIALIZED VIEW " + SqlText.qualified(t.schema(), t.name())));
            }
        }
        views.addAll(routines.afterViews());
        script.group("views", SchemaScript.VIEW_PHASE, views);
        script.group("materialized view refreshes", SchemaScript.REFRESH_PHASE, refreshes);
    }

    private List<Statement> create(Table t) {
        String name = SqlText.qualified(t.schema(), t.name());
        ViewInfo info = catalog.objects().view(t.oid()).orElseThrow();
        List<Statement> out = new ArrayList<>();
        boolean materialized = t.kind() == TableKind.MATERIALIZED_VIEW;
        out.add(new Statement(kind(t) + " " + name, materialized
                ? ViewText.createMaterializedView(name, info.options(), info.definition())
                : ViewText.createView(name, info.options(), info.definition())));
        if (materialized) {
            // its own storage parameters are in the WITH above; its TOAST table's are set apart, as pg_dump does
            catalog.objects().defined().storage().stream()
                    .filter(o -> o.relationOid() == t.oid() && !o.toastOptions().isEmpty()).findFirst()
                    .ifPresent(o -> out.add(new Statement("TOAST storage parameters of " + name,
                            "ALTER MATERIALIZED VIEW " + name + " SET (" + String.join(", ", o.toastOptions().stream()
                                    .map(option -> StorageOptionsDdl.parameter("toast.", option)).toList()) + ")")));
            for (Index i : t.indexes()) {
                out.add(new Statement("index " + i.name(), i.definition()));
            }
        }
        for (Column c : t.columns()) {
            // a view's column default fills an INSERT through the view (an updatable view, an INSTEAD OF trigger)
            c.defaultExpression().ifPresent(d -> out.add(new Statement("default of " + name + "." + c.name(),
                    "ALTER VIEW " + name + " ALTER COLUMN " + SqlText.identifier(c.name()) + " SET DEFAULT " + d)));
        }
        String keyword = materialized ? "MATERIALIZED VIEW " : "VIEW ";
        t.comment().ifPresent(c -> out.add(new Statement("comment on " + name, "COMMENT ON " + keyword + name
                + " IS " + SqlText.literal(c))));
        for (Column c : t.columns()) {
            c.comment().ifPresent(text -> out.add(new Statement("comment on " + name + "." + c.name(),
                    "COMMENT ON COLUMN " + name + "." + SqlText.identifier(c.name()) + " IS "
                            + SqlText.literal(text))));
        }
        return out;
    }

    /**
     * A view of the same columns that reads nothing, for a view whose query reads the view itself: its CREATE OR
     * REPLACE then finds the view it reads, as when the source was built (pg_dump's way out of a view loop too).
     */
    private static Statement standIn(Table view) {
        String name = SqlText.qualified(view.schema(), view.name());
        return new Statement("stand-in for view " + name, "CREATE VIEW " + name + " AS SELECT " + view.columns()
                .stream().map(c -> "NULL::" + c.type() + c.collation().map(x -> " COLLATE " + x).orElse("") + " AS "
                        + SqlText.identifier(c.name())).collect(Collectors.joining(", ")));
    }

    /** Depth first: every created view this one reads goes before it. */
    private void addInOrder(Table view, Set<Table> ordered) {
        if (ordered.contains(view)) {
            return;
        }
        List<Long> reads = catalog.objects().view(view.oid()).map(ViewInfo::relations).orElse(List.of());
        for (Long oid : reads) {
            Optional<Table> read = catalog.tableByOid(oid);
            if (read.isPresent() && isView(read.get()) && !isCopied(read.get()) && scope.createsView(read.get())) {
                addInOrder(read.get(), ordered);
            }
        }
        ordered.add(view);
    }

    /** A view the mappings select is copied into a table of its own instead ({@code table-type: view}). */
    private boolean isCopied(Table t) {
        return scope.selected(t.oid());
    }

    private static boolean isView(Table t) {
        return t.kind() == TableKind.VIEW || t.kind() == TableKind.MATERIALIZED_VIEW;
    }

    private static String kind(Table t) {
        return t.kind() == TableKind.MATERIALIZED_VIEW ? "materialized view" : "view";
    }
}
