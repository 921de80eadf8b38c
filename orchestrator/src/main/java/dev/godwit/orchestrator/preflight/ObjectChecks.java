package dev.godwit.orchestrator.preflight;

import dev.godwit.orchestrator.plan.SchemaPlan;
import dev.godwit.workers.catalog.Policy;
import dev.godwit.workers.catalog.SourceCatalog;
import dev.godwit.workers.catalog.Table;
import dev.godwit.workers.schema.AccessRoles;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static dev.godwit.orchestrator.preflight.PreflightContext.rows;

/**
 * The objects around the selected tables that would fail late on the target: a policy, a grant or an owner names a
 * role the target cluster does not have, or, with {@code ownership: keep}, the target user cannot give objects to
 * their source owners. Policies, grants and owners come at the end of the full load (docs/schema-objects.md), so
 * without these checks the load would copy everything and then fail.
 */
final class ObjectChecks extends CheckGroup {

    @Override
    List<Finding> run(PreflightContext ctx) {
        List<Finding> out = new ArrayList<>();
        AccessRoles access = SchemaPlan.accessRoles(ctx.plan());
        Set<String> policies = policyRoles(ctx);
        attempt(out, "target.role_missing", "roles", found -> {
            SortedSet<String> named = new TreeSet<>(policies);
            named.addAll(access.all());
            for (String role : named) {
                if (rows(ctx.target(), "SELECT 1 FROM pg_roles WHERE rolname = ?", role).isEmpty()) {
                    found.add(missing(role, policies.contains(role), access.grantees().contains(role),
                            access.owners().contains(role)));
                }
            }
        });
        attempt(out, "target.ownership", "owning roles", found -> {
            List<String> refused = notOwnable(ctx, access.owners());
            if (!refused.isEmpty()) {
                String roles = String.join(", ", refused);
                found.add(Finding.blocker("target.ownership", "roles " + roles, "ownership: keep gives the objects"
                                + " of the selected schemas to their source owners, and the target user "
                                + ctx.targetRole() + " can act as none of " + roles + ": ALTER … OWNER TO would fail at"
                                + " the end of the full load",
                        "GRANT " + refused.stream().map(PreflightContext::quote).collect(Collectors.joining(", "))
                                + " TO " + PreflightContext.quote(ctx.targetRole()) + "; on the target, or set"
                                + " ownership: task-user in the task's settings (the target user then owns them)"));
            }
            cannotCreate(ctx, access, refused, found);
        });
        return out;
    }

    private static Finding missing(String role, boolean policy, boolean grantee, boolean owner) {
        List<String> why = new ArrayList<>();
        List<String> otherFixes = new ArrayList<>();
        if (policy) {
            why.add("a row-level security policy of the selected schemas is granted to it");
        }
        if (grantee) {
            why.add("grants on objects of the selected schemas name it (privileges: keep)");
            otherFixes.add("set privileges: none");
        }
        if (owner) {
            why.add("it owns objects of the selected schemas (ownership: keep)");
            otherFixes.add("set ownership: task-user");
        }
        return Finding.blocker("target.role_missing", "role " + role, "role " + role + " is not on the target"
                        + " cluster, and " + String.join("; ", why) + ": the statement would fail at the end of the"
                        + " full load",
                "CREATE ROLE " + PreflightContext.quote(role) + "; on the target (roles are cluster-wide and not"
                        + " migrated)" + (otherFixes.isEmpty() ? "" : ", or " + String.join(" and ", otherFixes)
                        + " in the task's settings"));
    }

    /**
     * The owners on the target the target user cannot act as. USAGE rather than MEMBER: after the ownership change
     * godwit goes on writing into those tables (the change stream, the sequences), which needs the owner's
     * privileges inherited; ALTER … OWNER TO itself needs SET on the role from 16 on.
     */
    private static List<String> notOwnable(PreflightContext ctx, Set<String> owners) throws SQLException {
        if (owners.isEmpty()) {
            return List.of();
        }
        boolean setOption = PreflightContext.number(ctx.target(),
                "SELECT current_setting('server_version_num')::int") >= 160000;
        List<String> out = new ArrayList<>();
        for (String role : owners) {
            List<List<String>> found = rows(ctx.target(), "SELECT pg_has_role(current_user, oid, 'USAGE')"
                    + (setOption ? " AND pg_has_role(current_user, oid, 'SET')" : "") + " FROM pg_roles WHERE rolname = ?",
                    role);
            if (!found.isEmpty() && !"t".equals(found.get(0).get(0))) {
                out.add(role);
            }
        }
        return out;
    }

    /**
     * PostgreSQL gives an object only to a role that may create where the object is: a schema to one with CREATE on
     * the database, anything else to one with CREATE on its schema. The script grants the latter for the change
     * where the target user may grant it; a schema that is already on the target may not let it.
     */
    private static void cannotCreate(PreflightContext ctx, AccessRoles access, List<String> refused,
                                     List<Finding> found) throws SQLException {
        for (String role : access.schemaOwners()) {
            List<List<String>> may = rows(ctx.target(), "SELECT has_database_privilege(rolname, current_database(),"
                    + " 'CREATE'), current_database() FROM pg_roles WHERE rolname = ?", role);
            if (!refused.contains(role) && !may.isEmpty() && !"t".equals(may.get(0).get(0))) {
                found.add(Finding.blocker("target.ownership", "role " + role, "ownership: keep gives schemas to "
                                + role + ", which may not create schemas in the target database: ALTER SCHEMA … OWNER"
                                + " TO would fail at the end of the full load",
                        "GRANT CREATE ON DATABASE " + PreflightContext.quote(may.get(0).get(1)) + " TO "
                                + PreflightContext.quote(role) + "; on the target, or set ownership: task-user"));
            }
        }
        for (Map.Entry<String, SortedSet<String>> owned : access.ownedIn().entrySet()) {
            String role = owned.getKey();
            if (refused.contains(role)) {
                continue;
            }
            for (String schema : owned.getValue()) {
                List<List<String>> may = rows(ctx.target(), "SELECT has_schema_privilege(r.rolname, n.nspname,"
                        + " 'CREATE') OR pg_has_role(current_user, n.nspowner, 'USAGE') FROM pg_namespace n,"
                        + " pg_roles r WHERE n.nspname = ? AND r.rolname = ?", schema, role);
                if (!may.isEmpty() && !"t".equals(may.get(0).get(0))) {
                    found.add(Finding.blocker("target.ownership", "schema " + schema, "ownership: keep gives objects"
                                    + " of schema " + schema + " to " + role + ", which may not create in that schema on"
                                    + " the target, and the target user " + ctx.targetRole() + " cannot grant it that"
                                    + " for the change: ALTER … OWNER TO would fail at the end of the full load",
                            "GRANT CREATE ON SCHEMA " + PreflightContext.quote(schema) + " TO "
                                    + PreflightContext.quote(role) + "; on the target, or set ownership: task-user"));
                }
            }
        }
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
