package dev.godwit.orchestrator.preflight;

import dev.godwit.workers.catalog.Policy;
import dev.godwit.workers.catalog.SourceCatalog;
import dev.godwit.workers.catalog.Table;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import static dev.godwit.orchestrator.preflight.PreflightContext.rows;

/**
 * The objects around the selected tables that would fail late on the target: a policy names a role the target
 * cluster does not have. Policies are created at the end of the full load (docs/schema-objects.md), so without this
 * check the load would copy everything and then fail.
 */
final class ObjectChecks extends CheckGroup {

    @Override
    List<Finding> run(PreflightContext ctx) {
        List<Finding> out = new ArrayList<>();
        attempt(out, "target.role_missing", "policy roles", found -> {
            for (String role : policyRoles(ctx)) {
                if (rows(ctx.target(), "SELECT 1 FROM pg_roles WHERE rolname = ?", role).isEmpty()) {
                    found.add(Finding.blocker("target.role_missing", "role " + role,
                            "a row-level security policy of the selected schemas is granted to role " + role
                                    + ", which the target cluster does not have: CREATE POLICY would fail at the end"
                                    + " of the full load",
                            "CREATE ROLE " + PreflightContext.quote(role) + "; on the target (roles are cluster-wide"
                                    + " and not migrated)"));
                }
            }
        });
        return out;
    }

    /** The roles the policies of the selected tables' schemas name (PUBLIC aside), sorted. */
    static Set<String> policyRoles(PreflightContext ctx) {
        SourceCatalog catalog = ctx.catalog();
        Set<String> schemas = new TreeSet<>();
        ctx.plan().tables().forEach(t -> schemas.add(t.source().schema()));
        Set<String> roles = new TreeSet<>();
        for (Policy p : catalog.objects().policies()) {
            Optional<Table> table = catalog.tableByOid(p.relationOid());
            if (table.isPresent() && schemas.contains(table.get().schema())) {
                p.roles().forEach(r -> r.ifPresent(roles::add));
            }
        }
        return roles;
    }
}
