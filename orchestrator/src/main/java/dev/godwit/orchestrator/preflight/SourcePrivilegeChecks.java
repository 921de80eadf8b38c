package dev.godwit.orchestrator.preflight;

import dev.godwit.workers.catalog.Table;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static dev.godwit.orchestrator.preflight.PreflightContext.bool;
import static dev.godwit.orchestrator.preflight.PreflightContext.quote;
import static dev.godwit.orchestrator.preflight.PreflightContext.rows;

/**
 * What the source role may do: read every selected table, open a replication connection, and create the publication
 * (or find one that already covers the tables).
 */
final class SourcePrivilegeChecks extends CheckGroup {

    @Override
    List<Finding> run(PreflightContext ctx) {
        List<Finding> out = new ArrayList<>();
        Connection c = ctx.source();
        String role = ctx.sourceRole();
        attempt(out, "source.select", "selected tables", found -> {
            Set<String> schemasReported = new HashSet<>();
            for (Table t : ctx.sourceRelations()) {
                if (!bool(c, "SELECT has_schema_privilege(?, 'USAGE')", t.schema())) {
                    if (schemasReported.add(t.schema())) {
                        found.add(Finding.blocker("source.schema_usage", "schema " + quote(t.schema()),
                                "role " + role + " has no USAGE on schema " + quote(t.schema()) + ", so it cannot read "
                                        + "its tables",
                                "GRANT USAGE ON SCHEMA " + quote(t.schema()) + " TO " + quote(role) + ";"));
                    }
                }
                if (!bool(c, "SELECT has_table_privilege(?::oid, 'SELECT')", t.oid())) {
                    found.add(Finding.blocker("source.select", t.qualifiedName(),
                            "role " + role + " has no SELECT on " + t.qualifiedName() + ", so its rows cannot be copied",
                            "GRANT SELECT ON " + t.qualifiedName() + " TO " + quote(role) + ";"));
                }
            }
        });
        if (!ctx.cdc()) {
            return out;
        }
        attempt(out, "source.replication_role", "role " + role, found -> {
            boolean can = bool(c, """
                    SELECT rolreplication OR rolsuper
                           OR EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = 'rds_replication'
                                      AND pg_has_role(current_user, r.oid, 'MEMBER'))
                      FROM pg_roles WHERE rolname = current_user""");
            if (!can) {
                found.add(Finding.blocker("source.replication_role", "role " + role,
                        "role " + role + " may not open replication connections, which change data capture needs",
                        ctx.sourceIsRds()
                                ? "GRANT rds_replication TO " + quote(role) + "; (RDS/Aurora)"
                                : "ALTER ROLE " + quote(role) + " REPLICATION;"));
            }
        });
        attempt(out, "source.publication", "publication " + ctx.task().settings().publicationName(),
                found -> publication(found, ctx));
        return out;
    }

    private static void publication(List<Finding> found, PreflightContext ctx) throws SQLException {
        Connection c = ctx.source();
        String name = ctx.task().settings().publicationName();
        String role = ctx.sourceRole();
        List<List<String>> pub = rows(c, "SELECT puballtables::text FROM pg_publication WHERE pubname = ?", name);
        List<Table> tables = ctx.publishedTables();
        if (!pub.isEmpty()) {
            if (pub.get(0).get(0).equals("true")) {
                return;
            }
            Set<String> covered = rows(c, "SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname = ?", name)
                    .stream().map(r -> key(r.get(0), r.get(1))).collect(Collectors.toSet());
            List<Table> missing = tables.stream().filter(t -> !covered(t, ctx, covered)).toList();
            if (!missing.isEmpty()) {
                found.add(Finding.blocker("source.publication", "publication " + quote(name),
                        "publication " + quote(name) + " exists but does not publish " + names(missing)
                                + ": their changes would not reach the target",
                        "as the owner of the publication and the tables: ALTER PUBLICATION " + quote(name)
                                + " ADD TABLE " + names(missing) + ";"));
            }
            return;
        }
        boolean createOnDatabase = bool(c, "SELECT has_database_privilege(current_database(), 'CREATE')");
        List<Table> notOwned = new ArrayList<>();
        for (Table t : tables) {
            if (!bool(c, "SELECT pg_has_role(c.relowner, 'USAGE') FROM pg_class c WHERE c.oid = ?::oid", t.oid())) {
                notOwned.add(t);
            }
        }
        if (!createOnDatabase || !notOwned.isEmpty()) {
            Set<String> owners = new LinkedHashSet<>();
            for (Table t : notOwned) {
                owners.add(rows(c, "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = ?::oid", t.oid()).get(0).get(0));
            }
            String why = !createOnDatabase
                    ? "role " + role + " has no CREATE privilege on the database"
                    : "role " + role + " does not own " + names(notOwned) + " (owned by " + String.join(", ", owners) + ")";
            found.add(Finding.blocker("source.publication", "publication " + quote(name),
                    "publication " + quote(name) + " does not exist and godwit cannot create it: " + why,
                    "let the tables' owner create it: CREATE PUBLICATION " + quote(name) + " FOR TABLE " + names(tables)
                            + " WITH (publish_via_partition_root = true); (see docs/setup-source.md)"));
        }
    }

    /** A partitioned table is covered when it is published itself or every one of its leaves is. */
    private static boolean covered(Table t, PreflightContext ctx, Set<String> covered) {
        if (covered.contains(key(t.schema(), t.name()))) {
            return true;
        }
        List<Table> leaves = ctx.plan().tables().stream().filter(p -> p.source().oid() == t.oid())
                .flatMap(p -> p.partitions().stream()).toList();
        return !leaves.isEmpty() && leaves.stream().allMatch(l -> covered.contains(key(l.schema(), l.name())));
    }

    static String names(List<Table> tables) {
        return tables.stream().map(Table::qualifiedName).collect(Collectors.joining(", "));
    }

    private static String key(String schema, String name) {
        return schema + "\u0000" + name;
    }
}
