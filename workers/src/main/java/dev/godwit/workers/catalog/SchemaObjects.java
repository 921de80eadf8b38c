package dev.godwit.workers.catalog;

import java.util.List;
import java.util.Optional;

/**
 * The objects of the source around its tables: routines, views' dependencies, triggers, rules, policies and
 * row-level security flags, which extensions objects of each schema use, what godwit cannot create, the objects it
 * builds from catalog rows ({@link DefinedObjects}), and owners and privileges ({@link AccessControl}). Read for every
 * user schema; the writer keeps those of the selected tables' schemas.
 */
public record SchemaObjects(List<Routine> routines, List<ViewInfo> views, List<Trigger> triggers, List<Rule> rules,
                            List<Policy> policies, List<RowSecurity> rowSecurity, List<ExtensionUse> extensionUses,
                            List<UnsupportedObject> unsupported, DefinedObjects defined, AccessControl access) {

    public SchemaObjects {
        routines = List.copyOf(routines);
        views = List.copyOf(views);
        triggers = List.copyOf(triggers);
        rules = List.copyOf(rules);
        policies = List.copyOf(policies);
        rowSecurity = List.copyOf(rowSecurity);
        extensionUses = List.copyOf(extensionUses);
        unsupported = List.copyOf(unsupported);
    }

    /** No objects: a catalog built by hand (in unit tests) around tables alone. */
    public static SchemaObjects none() {
        return new SchemaObjects(List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
                List.of(), DefinedObjects.none(), AccessControl.none());
    }

    public Optional<ViewInfo> view(long oid) {
        return views.stream().filter(v -> v.oid() == oid).findFirst();
    }
}
