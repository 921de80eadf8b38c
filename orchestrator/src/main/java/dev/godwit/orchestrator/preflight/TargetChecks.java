package dev.godwit.orchestrator.preflight;

import dev.godwit.mappings.rules.ColumnMapping;
import dev.godwit.mappings.rules.TableMapping;
import dev.godwit.mappings.task.TargetTablePrepMode;
import dev.godwit.orchestrator.plan.PlannedTable;
import dev.godwit.workers.catalog.Column;
import dev.godwit.workers.catalog.Constraint;
import dev.godwit.workers.catalog.SourceCatalog;
import dev.godwit.workers.catalog.UserType;
import dev.godwit.workers.pg.ReplicaMode;
import dev.godwit.workers.schema.ObjectExtensions;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import static dev.godwit.orchestrator.preflight.PreflightContext.bool;
import static dev.godwit.orchestrator.preflight.PreflightContext.number;
import static dev.godwit.orchestrator.preflight.PreflightContext.quote;
import static dev.godwit.orchestrator.preflight.PreflightContext.rows;

/**
 * The target server: its version, the extensions the selected tables' types and schemas' objects need, the privileges to create the
 * schemas and the control schema, and target tables that are in the way of the table preparation mode.
 */
final class TargetChecks extends CheckGroup {
    /** Extensions shipped with PostgreSQL itself (contrib); the rest come in packages of their own. */
    private static final Set<String> CONTRIB = Set.of("adminpack", "amcheck", "bloom", "btree_gin", "btree_gist",
            "citext", "cube", "dblink", "dict_int", "earthdistance", "fuzzystrmatch", "hstore", "intarray", "isn", "lo",
            "ltree", "pg_trgm", "pgcrypto", "seg", "tablefunc", "tcn", "tsm_system_rows", "tsm_system_time",
            "unaccent", "uuid-ossp", "xml2", "postgres_fdw", "file_fdw");
    /** Debian/Ubuntu (PGDG) package names, with {@code %d} for the target's major version. */
    private static final Map<String, String> PACKAGES = Map.of(
            "postgis", "postgresql-%d-postgis-3",
            "postgis_topology", "postgresql-%d-postgis-3",
            "postgis_raster", "postgresql-%d-postgis-3",
            "vector", "postgresql-%d-pgvector",
            "timescaledb", "timescaledb-2-postgresql-%d",
            "pgrouting", "postgresql-%d-pgrouting",
            "pg_partman", "postgresql-%d-partman",
            "ip4r", "postgresql-%d-ip4r",
            "semver", "postgresql-%d-semver");

    @Override
    List<Finding> run(PreflightContext ctx) {
        List<Finding> out = new ArrayList<>();
        Connection c = ctx.target();
        TimeoutChecks.check(out, "target", c, ctx.targetRole());
        attempt(out, "target.version", "server_version", found -> {
            long targetNum = number(c, "SELECT current_setting('server_version_num')::int");
            int targetMajor = (int) (targetNum / 10000);
            int sourceMajor = ctx.catalog().majorVersion();
            if (targetMajor < sourceMajor) {
                found.add(Finding.blocker("target.version", "server_version",
                        "the target runs PostgreSQL " + targetMajor + ", older than the source's " + sourceMajor
                                + ": types, syntax and defaults of the newer version may not exist there",
                        "migrate to a PostgreSQL " + sourceMajor + " or newer server"));
            }
            extensions(found, ctx, targetMajor);
        });
        attempt(out, "target.create_schema", "target schemas", found -> {
            Set<String> schemas = new TreeSet<>();
            ctx.plan().tables().forEach(t -> schemas.add(t.mapping().targetSchema()));
            for (String schema : schemas) {
                createInSchema(found, c, ctx.targetRole(), schema, "target.create_schema", "the selected tables");
            }
        });
        String control = ctx.task().settings().controlSchema();
        attempt(out, "target.control_schema", "schema " + quote(control),
                found -> createInSchema(found, c, ctx.targetRole(), control, "target.control_schema",
                        "godwit's state (settings.controlSchema)"));
        if (ctx.task().type().hasFullLoad()) {
            attempt(out, "target.existing_tables", "target tables", found -> existingTables(found, ctx));
        }
        if (ctx.task().type().hasCdc()) {
            attempt(out, "target.replica_mode", "session_replication_role", found -> replicaMode(found, ctx));
        }
        return out;
    }

    /**
     * Whether replicated changes can be applied as PostgreSQL's apply worker applies them, with the target's triggers,
     * rules and foreign-key actions silent (replica mode), or by the fallback: those objects switched off while changes
     * stream and on at cutover (docs/cdc.md, "Applied as PostgreSQL's apply worker applies").
     */
    private static void replicaMode(List<Finding> found, PreflightContext ctx) throws SQLException {
        if (ReplicaMode.allowed(ctx.target())) {
            return;
        }
        List<String> actions = new ArrayList<>();
        for (PlannedTable t : ctx.plan().tables()) {
            for (Constraint k : t.source().constraints()) {
                if (k.hasReferentialAction()) {
                    actions.add(t.mapping().targetKey() + " " + k.name());
                }
            }
        }
        found.add(Finding.warning("target.replica_mode", "session_replication_role", "role " + ctx.targetRole()
                + " may not set session_replication_role on the target, so godwit silences what would act on replicated"
                + " changes another way: the target's triggers and rules are disabled while changes stream"
                + (actions.isEmpty() ? "" : ", and " + actions.size() + " foreign key(s) with an ON UPDATE/ON DELETE"
                + " action (" + String.join(", ", actions.subList(0, Math.min(5, actions.size())))
                + (actions.size() > 5 ? ", …" : "") + ") are created only at cutover, with a scan of their tables")
                + "; the cutover switches them on as on the source. Until then the target does not enforce them",
                "GRANT SET ON PARAMETER session_replication_role TO " + quote(ctx.targetRole())
                        + "; (PostgreSQL 15 and later), or run godwit's target role as a superuser or rds_superuser"));
    }

    private static void createInSchema(List<Finding> found, Connection c, String role, String schema, String check,
                                       String purpose) throws SQLException {
        boolean exists = bool(c, "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = ?)", schema);
        if (exists) {
            if (!bool(c, "SELECT has_schema_privilege(?, 'CREATE') AND has_schema_privilege(?, 'USAGE')", schema, schema)) {
                found.add(Finding.blocker(check, "schema " + quote(schema),
                        "role " + role + " may not create tables in schema " + quote(schema) + " on the target, which "
                                + "holds " + purpose,
                        "GRANT USAGE, CREATE ON SCHEMA " + quote(schema) + " TO " + quote(role) + ";"));
            }
        } else if (!bool(c, "SELECT has_database_privilege(current_database(), 'CREATE')")) {
            found.add(Finding.blocker(check, "schema " + quote(schema),
                    "schema " + quote(schema) + " does not exist on the target and role " + role + " may not create "
                            + "schemas there (no CREATE on the database); it holds " + purpose,
                    "GRANT CREATE ON DATABASE " + quote(database(c)) + " TO " + quote(role)
                            + "; (or make the role the database's owner, or create the schema for it: CREATE SCHEMA "
                            + quote(schema) + " AUTHORIZATION " + quote(role) + ";)"));
        }
    }

    private static void existingTables(List<Finding> found, PreflightContext ctx) throws SQLException {
        Connection c = ctx.target();
        TargetTablePrepMode mode = ctx.task().settings().targetTablePrepMode();
        List<String> inTheWay = new ArrayList<>();
        for (PlannedTable t : ctx.plan().tables()) {
            TableMapping m = t.mapping();
            String name = quote(m.targetSchema()) + "." + quote(m.targetName());
            List<List<String>> existing = rows(c, """
                    SELECT c.oid::text, pg_has_role(c.relowner, 'USAGE')::text, pg_get_userbyid(c.relowner)
                      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE n.nspname = ? AND c.relname = ?""", m.targetSchema(), m.targetName());
            if (existing.isEmpty()) {
                continue;
            }
            boolean owned = existing.get(0).get(1).equals("true");
            String owner = existing.get(0).get(2);
            switch (mode) {
                case DROP_AND_CREATE -> {
                    inTheWay.add(name);
                    if (!owned) {
                        found.add(Finding.blocker("target.existing_tables", name, name + " exists on the target and "
                                        + "targetTablePrepMode DROP_AND_CREATE must drop it, but it is owned by " + owner,
                                "ALTER TABLE " + name + " OWNER TO " + quote(ctx.targetRole()) + "; or DROP TABLE " + name + ";"));
                    }
                }
                case TRUNCATE_BEFORE_LOAD -> {
                    if (hasRows(c, name)) {
                        inTheWay.add(name);
                    }
                    if (!bool(c, "SELECT has_table_privilege(?::oid, 'TRUNCATE')", Long.parseLong(existing.get(0).get(0)))) {
                        found.add(Finding.blocker("target.existing_tables", name, name + " exists on the target and "
                                        + "targetTablePrepMode TRUNCATE_BEFORE_LOAD must empty it, but role "
                                        + ctx.targetRole() + " may not truncate it",
                                "GRANT TRUNCATE ON " + name + " TO " + quote(ctx.targetRole()) + ";"));
                    }
                }
                case DO_NOTHING -> {
                    if (hasRows(c, name)) {
                        found.add(Finding.blocker("target.existing_rows", name, name + " already holds rows and "
                                        + "targetTablePrepMode is DO_NOTHING: the full load would add its rows to them "
                                        + "(duplicates, or key violations that stop the load)",
                                "empty it (TRUNCATE " + name + ";), or use targetTablePrepMode TRUNCATE_BEFORE_LOAD or "
                                        + "DROP_AND_CREATE"));
                    }
                }
            }
        }
        if (mode != TargetTablePrepMode.DROP_AND_CREATE) {
            keptForeignKeys(found, ctx);
        }
        if (!inTheWay.isEmpty() && mode != TargetTablePrepMode.DO_NOTHING) {
            String list = String.join(", ", inTheWay);
            found.add(Finding.warning("target.existing_tables", list, mode == TargetTablePrepMode.DROP_AND_CREATE
                            ? "these target tables exist and will be DROPPED and created again (targetTablePrepMode DROP_AND_CREATE): " + list
                            : "these target tables hold rows that will be TRUNCATED (targetTablePrepMode TRUNCATE_BEFORE_LOAD): " + list,
                    "nothing, if that is intended; otherwise map the tables elsewhere or set targetTablePrepMode DO_NOTHING"));
        }
    }

    /**
     * Kept target tables keep their own foreign keys, which COPY checks row by row while the tables load in parallel
     * and in no order: the load runs them in replica mode, where the keys stay silent. A role that may not set it
     * would see the load stop on the first child row copied before its parent.
     */
    private static void keptForeignKeys(List<Finding> found, PreflightContext ctx) throws SQLException {
        Connection c = ctx.target();
        List<String> tables = ctx.plan().tables().stream()
                .map(t -> quote(t.mapping().targetSchema()) + "." + quote(t.mapping().targetName())).toList();
        List<List<String>> keys = rows(c, """
                SELECT format('%I.%I', cn.nspname, c.relname), k.conname, format('%I.%I', fn.nspname, f.relname),
                       pg_get_constraintdef(k.oid)
                  FROM pg_constraint k
                  JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace cn ON cn.oid = c.relnamespace
                  JOIN pg_class f ON f.oid = k.confrelid JOIN pg_namespace fn ON fn.oid = f.relnamespace
                 WHERE k.contype = 'f' AND k.conrelid IN (SELECT to_regclass(n) FROM unnest(?::text[]) n)
                 ORDER BY 1, 2""", c.createArrayOf("text", tables.toArray()));
        if (keys.isEmpty() || ReplicaMode.allowed(c)) {
            return;
        }
        for (List<String> k : keys) {
            found.add(Finding.blocker("target.kept_foreign_keys", k.get(0), k.get(0) + " keeps its foreign key "
                            + k.get(1) + " to " + k.get(2) + ", which COPY checks row by row while the tables load in"
                            + " parallel and in no order, and role " + ctx.targetRole() + " may not set"
                            + " session_replication_role to keep it silent during the load",
                    "GRANT SET ON PARAMETER session_replication_role TO " + quote(ctx.targetRole())
                            + "; (PostgreSQL 15+), or drop the key for the load and add it back after (ALTER TABLE "
                            + k.get(0) + " DROP CONSTRAINT " + quote(k.get(1)) + "; … ALTER TABLE " + k.get(0)
                            + " ADD CONSTRAINT " + quote(k.get(1)) + " " + k.get(3) + ";), or use targetTablePrepMode"
                            + " DROP_AND_CREATE"));
        }
    }

    private static boolean hasRows(Connection c, String qualifiedName) throws SQLException {
        return bool(c, "SELECT EXISTS (SELECT 1 FROM " + qualifiedName + ")");
    }

    private static void extensions(List<Finding> found, PreflightContext ctx, int targetMajor) throws SQLException {
        Connection c = ctx.target();
        for (Map.Entry<String, String> need : neededExtensions(ctx).entrySet()) {
            String ext = need.getKey();
            List<List<String>> available = rows(c,
                    "SELECT coalesce(installed_version, '') FROM pg_available_extensions WHERE name = ?", ext);
            if (available.isEmpty()) {
                found.add(Finding.blocker("target.extension_missing", "extension " + ext,
                        need.getValue() + ", and the target server does not have extension " + ext
                                + " installed in its files (pg_available_extensions)",
                        "install " + packageFor(ext, targetMajor) + " on the target server (RDS/Aurora: check that "
                                + "the engine version supports " + ext + ")"));
            } else if (available.get(0).get(0).isEmpty()) {
                found.add(Finding.warning("target.extension_not_created", "extension " + ext,
                        need.getValue() + ": extension " + ext + " is available but not created "
                                + "in the target database; creating it may need a superuser",
                        "CREATE EXTENSION " + quote(ext) + "; (in the target database, as a role allowed to)"));
            }
        }
    }

    /**
     * Each extension the target needs, with why: the types of the selected columns whose type the mappings keep,
     * then those the other objects of the selected schemas use ({@link ObjectExtensions}).
     */
    static Map<String, String> neededExtensions(PreflightContext ctx) {
        Map<String, String> out = new LinkedHashMap<>();
        columnTypeExtensions(ctx).forEach(e -> out.put(e, "the selected tables use types of extension " + e));
        Set<String> schemas = new TreeSet<>();
        ctx.plan().tables().forEach(t -> schemas.add(t.source().schema()));
        ObjectExtensions.needed(ctx.catalog(), schemas).forEach((e, why) -> out.putIfAbsent(e,
                "the objects of the selected schemas need extension " + e + " (" + why + ")"));
        return out;
    }

    /** The extensions that define the types of the selected columns whose type the mappings keep. */
    private static Set<String> columnTypeExtensions(PreflightContext ctx) {
        SourceCatalog catalog = ctx.catalog();
        Set<String> out = new LinkedHashSet<>();
        for (PlannedTable t : ctx.plan().tables()) {
            for (ColumnMapping cm : t.mapping().columns()) {
                if (cm.added() || cm.typeChanged()) {
                    continue;
                }
                Optional<Column> column = t.source().column(cm.sourceName());
                column.flatMap(col -> extensionOf(catalog, col)).ifPresent(out::add);
            }
        }
        return out;
    }

    private static Optional<String> extensionOf(SourceCatalog catalog, Column c) {
        Optional<UserType> type = catalog.type(c.typeSchema(), c.typeName());
        if (type.isEmpty() && c.isArray() && c.typeName().startsWith("_")) {
            type = catalog.type(c.typeSchema(), c.typeName().substring(1));
        }
        return type.flatMap(UserType::extension);
    }

    static String packageFor(String extension, int major) {
        if (CONTRIB.contains(extension)) {
            return "the contrib modules (postgresql-contrib, or postgresql" + major + "-contrib on RHEL)";
        }
        return PACKAGES.getOrDefault(extension, "postgresql-%d-" + extension).formatted(major)
                + " (the PGDG package name)";
    }

    private static String database(Connection c) throws SQLException {
        return rows(c, "SELECT current_database()").get(0).get(0);
    }

}
