package dev.godwit.workers.schema;

import dev.godwit.mappings.partition.PartitionRule;
import dev.godwit.mappings.rules.TableMapping;
import dev.godwit.mappings.task.AccessSettings;
import dev.godwit.mappings.task.AccessSettings.Ownership;
import dev.godwit.mappings.task.AccessSettings.Privileges;
import dev.godwit.workers.catalog.SourceCatalog;
import dev.godwit.workers.catalog.TableKind;
import dev.godwit.workers.testkit.PgExtension;
import dev.godwit.workers.testkit.PgLab;
import dev.godwit.workers.testkit.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Owners and privileges, written from a 13 or a 17 source and run on a 17 target: under {@code privileges: keep}
 * every object (and column) has the same {@code aclexplode} set as on the source, and the default privileges are the
 * same; under {@code none} no object has a grant; under {@code ownership: keep} every object has its source owner,
 * under {@code task-user} the target user's.
 */
@ExtendWith(PgExtension.class)
class PrivilegesRoundTripIT {
    /** roles are cluster-wide: each test names its own */
    private static final AtomicInteger RUN = new AtomicInteger();

    /** The application, with {o} the owning role, {r} a reader and {w} a writer. */
    private static final String APP = """
            CREATE SCHEMA app AUTHORIZATION {o};
            GRANT USAGE ON SCHEMA app TO {r};
            GRANT USAGE, CREATE ON SCHEMA app TO {w} WITH GRANT OPTION;
            SET ROLE {o};
            CREATE TYPE app.mood AS ENUM ('calm', 'busy');
            CREATE DOMAIN app.positive AS integer CHECK (VALUE > 0);
            CREATE TABLE app.accounts (id serial PRIMARY KEY, name text, secret text, mood app.mood);
            CREATE TABLE app.log (id integer, day date) PARTITION BY RANGE (day);
            CREATE TABLE app.log_2024 PARTITION OF app.log FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
            CREATE TABLE app.events (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, note text);
            CREATE SEQUENCE app.ticket_no;
            CREATE VIEW app.names AS SELECT id, name FROM app.accounts;
            CREATE MATERIALIZED VIEW app.counts AS SELECT count(*) AS n FROM app.events;
            CREATE FUNCTION app.secret_of(integer) RETURNS text LANGUAGE sql
                AS $$ SELECT secret FROM app.accounts WHERE id = $1 $$;
            CREATE FUNCTION app.open() RETURNS integer LANGUAGE sql AS $$ SELECT 1 $$;
            CREATE PROCEDURE app.touch() LANGUAGE sql AS $$ SELECT 1 $$;
            CREATE AGGREGATE app.total(integer) (SFUNC = int4pl, STYPE = integer, INITCOND = '0');
            RESET ROLE;
            CREATE TABLE app.settings (k text PRIMARY KEY, v text);
            ALTER TABLE app.settings OWNER TO {w};
            GRANT SELECT ON app.accounts TO {r};
            GRANT SELECT (id, name), UPDATE (name) ON app.accounts TO {w};
            GRANT INSERT, UPDATE ON app.accounts TO {w} WITH GRANT OPTION;
            REVOKE TRUNCATE ON app.accounts FROM {o};
            GRANT SELECT ON app.log, app.log_2024, app.events TO {r};
            GRANT USAGE, SELECT ON SEQUENCE app.accounts_id_seq TO {w};
            GRANT USAGE ON SEQUENCE app.ticket_no, app.events_id_seq TO {r};
            GRANT SELECT ON app.names, app.counts TO {r};
            GRANT SELECT ON app.settings TO PUBLIC;
            REVOKE EXECUTE ON FUNCTION app.secret_of(integer) FROM PUBLIC;
            GRANT EXECUTE ON FUNCTION app.secret_of(integer) TO {w};
            REVOKE EXECUTE ON PROCEDURE app.touch() FROM PUBLIC;
            GRANT EXECUTE ON PROCEDURE app.touch() TO {r};
            REVOKE EXECUTE ON FUNCTION app.total(integer) FROM PUBLIC;
            REVOKE USAGE ON TYPE app.mood FROM PUBLIC;
            GRANT USAGE ON TYPE app.mood TO {r};
            GRANT USAGE ON DOMAIN app.positive TO {w} WITH GRANT OPTION;
            ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA app GRANT SELECT ON TABLES TO {r};
            ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA app GRANT USAGE ON SEQUENCES TO {w} WITH GRANT OPTION;
            ALTER DEFAULT PRIVILEGES FOR ROLE {o} REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
            """;

    /**
     * Every object of schema app with its owner's ACL entries: one line per object, grantee and privilege ({@code *}
     * with grant option), the owner named OWNER and the grantor left out (on the target it is whoever ran the grant).
     */
    private static final String ACLS = """
            WITH objects AS (
                SELECT 'schema ' || nspname AS object, nspowner AS owner, coalesce(nspacl, acldefault('n', nspowner)) AS acl
                  FROM pg_namespace WHERE nspname = 'app'
                UNION ALL
                SELECT 'relation ' || relname, relowner,
                       coalesce(relacl, acldefault(CASE relkind WHEN 'S' THEN 's' ELSE 'r' END::"char", relowner))
                  FROM pg_class WHERE relnamespace = 'app'::regnamespace AND relkind IN ('r', 'p', 'v', 'm', 'S')
                UNION ALL
                SELECT 'column ' || c.relname || '.' || a.attname, c.relowner, a.attacl
                  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
                 WHERE c.relnamespace = 'app'::regnamespace AND a.attacl IS NOT NULL
                UNION ALL
                SELECT 'routine ' || oid::regprocedure, proowner, coalesce(proacl, acldefault('f', proowner))
                  FROM pg_proc WHERE pronamespace = 'app'::regnamespace
                UNION ALL
                SELECT 'type ' || typname, typowner, coalesce(typacl, acldefault('T', typowner))
                  FROM pg_type WHERE typnamespace = 'app'::regnamespace AND typtype IN ('d', 'e'))
            SELECT o.object || ' ' || CASE WHEN e.grantee = 0 THEN 'PUBLIC' WHEN e.grantee = o.owner THEN 'OWNER'
                                          ELSE pg_get_userbyid(e.grantee) END
                   || ' ' || e.privilege_type || CASE WHEN e.is_grantable THEN '*' ELSE '' END
              FROM objects o, aclexplode(o.acl) e
             ORDER BY 1""";

    private static final String OWNERS = """
            SELECT 'schema ' || nspname || ' ' || pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'app'
            UNION ALL
            SELECT 'relation ' || relname || ' ' || pg_get_userbyid(relowner)
              FROM pg_class WHERE relnamespace = 'app'::regnamespace AND relkind IN ('r', 'p', 'v', 'm', 'S')
            UNION ALL
            SELECT 'routine ' || oid::regprocedure || ' ' || pg_get_userbyid(proowner)
              FROM pg_proc WHERE pronamespace = 'app'::regnamespace
            UNION ALL
            SELECT 'type ' || typname || ' ' || pg_get_userbyid(typowner)
              FROM pg_type WHERE typnamespace = 'app'::regnamespace AND typtype IN ('d', 'e')
            ORDER BY 1""";

    /** The default privileges, the role they are for and a grantee named ROLE when it is {o} or the session's user. */
    private static final String DEFAULT_ACLS = """
            SELECT coalesce(n.nspname, '-') || ' ' || d.defaclobjtype::text || ' '
                   || CASE WHEN pg_get_userbyid(d.defaclrole) IN ('{o}', current_user) THEN 'ROLE'
                           ELSE pg_get_userbyid(d.defaclrole) END || ' '
                   || CASE WHEN e.grantee = 0 THEN 'PUBLIC'
                           WHEN pg_get_userbyid(e.grantee) IN ('{o}', current_user) THEN 'ROLE'
                           ELSE pg_get_userbyid(e.grantee) END
                   || ' ' || e.privilege_type || CASE WHEN e.is_grantable THEN '*' ELSE '' END
              FROM pg_default_acl d LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace,
                   aclexplode(d.defaclacl) e
             ORDER BY 1""";

    /** Carries the application in a fresh database of each side; {o}, {r} and {w} replaced by this run's roles. */
    private record Run(TestDatabase source, TestDatabase target, TestDatabase reference, Map<String, String> roles) {
        String sql(String text) {
            String out = text;
            for (Map.Entry<String, String> e : roles.entrySet()) {
                out = out.replace("{" + e.getKey() + "}", e.getValue());
            }
            return out;
        }

        List<String> source(String query) {
            return reference.column(sql(query));
        }

        List<String> target(String query) {
            return target.column(sql(query));
        }
    }

    private static Run prepare(PgLab lab, int sourceMajor) {
        int n = RUN.incrementAndGet();
        String prefix = "acl" + ProcessHandle.current().pid() + "_" + n + "_";
        Map<String, String> roles = Map.of("o", prefix + "owner", "r", prefix + "reader", "w", prefix + "writer");
        TestDatabase source = lab.newDatabase(sourceMajor);
        TestDatabase target = lab.newDatabase(17);
        Run run = new Run(source, target, source, roles);
        for (TestDatabase db : Set.of(source, target)) {
            for (String role : roles.values()) {
                db.execute("DO $$ BEGIN CREATE ROLE " + role + " NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL;"
                        + " END $$");
            }
        }
        source.execute(run.sql(APP));
        // a 17 has privileges a 13 lacks (MAINTAIN): the target is compared with what the same DDL makes on a 17
        if (sourceMajor != 17) {
            TestDatabase reference = lab.newDatabase(17);
            reference.execute(run.sql(APP));
            run = new Run(source, target, reference, roles);
        }
        return run;
    }

    private static List<TargetTableSpec> tables(SourceCatalog catalog) {
        return TestMappings.identitySpecs(catalog, new PartitionRule.Keep()).stream()
                .filter(s -> s.source().kind() == TableKind.TABLE || s.source().kind() == TableKind.PARTITIONED)
                .toList();
    }

    private static SchemaScript carry(Run run, List<TargetTableSpec> specs, SourceCatalog catalog,
                                      AccessSettings access) throws SQLException {
        SchemaScript script = DdlWriter.write(catalog, specs, DdlWriter.Options.defaults().withAccess(access));
        try (Connection c = run.target().connect()) {
            c.setAutoCommit(false);
            ScriptRunner.run(c, script.preData());
            ScriptRunner.run(c, script.postDataInOrder());
            c.commit();
        }
        return script;
    }

    @ParameterizedTest(name = "PostgreSQL {0} to 17")
    @ValueSource(ints = {13, 17})
    void keepsEveryGrantRevokeDefaultPrivilegeAndOwner(int sourceMajor, PgLab lab) throws SQLException {
        Run run = prepare(lab, sourceMajor);
        SourceCatalog catalog = DdlRoundTripIT.read(run.source());

        SchemaScript script = carry(run, tables(catalog), catalog, new AccessSettings(Privileges.KEEP, Ownership.KEEP));

        List<String> expected = run.source(ACLS);
        assertTrue(expected.contains("routine app.secret_of(integer) " + run.roles().get("w") + " EXECUTE"), expected.toString());
        assertFalse(expected.stream().anyMatch(l -> l.startsWith("routine app.secret_of(integer) PUBLIC")), expected.toString());
        assertTrue(expected.contains("column accounts.name " + run.roles().get("w") + " UPDATE"), expected.toString());
        assertEquals(expected, run.target(ACLS));
        assertEquals(run.source(OWNERS), run.target(OWNERS));
        assertEquals(run.source(DEFAULT_ACLS), run.target(DEFAULT_ACLS));
        assertEquals(3, run.target(DEFAULT_ACLS).size(), run.target(DEFAULT_ACLS).toString());
        assertTrue(script.postData().stream().anyMatch(g -> g.phase() == SchemaScript.ACCESS_PHASE));
    }

    @ParameterizedTest(name = "PostgreSQL {0} to 17")
    @ValueSource(ints = {13, 17})
    void keepsTheGrantsWhileTheTaskUserOwnsEverything(int sourceMajor, PgLab lab) throws SQLException {
        Run run = prepare(lab, sourceMajor);
        SourceCatalog catalog = DdlRoundTripIT.read(run.source());

        carry(run, tables(catalog), catalog, AccessSettings.defaults());

        assertEquals(run.source(ACLS), run.target(ACLS));
        assertEquals(run.source(DEFAULT_ACLS), run.target(DEFAULT_ACLS));
        String user = run.target().value("SELECT current_user");
        List<String> owners = run.target(OWNERS);
        assertEquals(run.source(OWNERS).size(), owners.size());
        assertTrue(owners.stream().allMatch(o -> o.endsWith(" " + user)), owners.toString());
    }

    @Test
    void privilegesNoneLeavesEveryObjectAsCreateMadeIt(PgLab lab) throws SQLException {
        Run run = prepare(lab, 13);
        SourceCatalog catalog = DdlRoundTripIT.read(run.source());

        SchemaScript script = carry(run, tables(catalog), catalog, new AccessSettings(Privileges.NONE, Ownership.KEEP));

        // giving app.settings to its owner grants that role CREATE on app for the change and takes it back: app's
        // ACL is then written out, and equal to the default

        assertEquals(List.of("0"), run.target("""
                SELECT (SELECT count(*) FROM pg_class WHERE relnamespace = 'app'::regnamespace AND relacl IS NOT NULL)
                     + (SELECT count(*) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
                         WHERE c.relnamespace = 'app'::regnamespace AND a.attacl IS NOT NULL)
                     + (SELECT count(*) FROM pg_proc WHERE pronamespace = 'app'::regnamespace AND proacl IS NOT NULL)
                     + (SELECT count(*) FROM pg_type WHERE typnamespace = 'app'::regnamespace AND typacl IS NOT NULL)
                     + (SELECT count(*) FROM pg_namespace WHERE nspname = 'app'
                         AND nspacl <> acldefault('n', nspowner))
                     + (SELECT count(*) FROM pg_default_acl)"""));
        assertEquals(run.source(OWNERS), run.target(OWNERS));
        assertTrue(script.postDataInOrder().stream().noneMatch(s -> s.sql().startsWith("GRANT")
                || s.sql().startsWith("REVOKE") || s.sql().startsWith("ALTER DEFAULT")), script.toString());
        assertEquals(Set.of(run.roles().get("o"), run.roles().get("w")),
                DdlWriter.roles(catalog, tables(catalog), DdlWriter.Options.defaults()
                        .withAccess(new AccessSettings(Privileges.NONE, Ownership.KEEP))).owners());
    }

    @Test
    void grantsFollowATableAndAColumnTheMappingsRename(PgLab lab) throws SQLException {
        Run run = prepare(lab, 17);
        SourceCatalog catalog = DdlRoundTripIT.read(run.source());
        List<TargetTableSpec> specs = tables(catalog).stream().map(s -> {
            if (!s.source().name().equals("accounts")) {
                return s;
            }
            TableMapping m = TestMappings.renameColumns(s.mapping(), Map.of("name", "full_name"));
            return new TargetTableSpec(s.source(), new TableMapping(m.source(), m.targetSchema(), "clients",
                    m.columns(), m.sourceFilterSql(), m.loadOrder(), m.definedPrimaryKey(), m.parallelLoad(),
                    m.partitionRule(), m.appliedRules()), s.partitions());
        }).toList();

        carry(run, specs, catalog, AccessSettings.defaults());

        List<String> expected = run.source(ACLS).stream()
                .filter(l -> l.startsWith("relation accounts ") || l.startsWith("column accounts."))
                .map(l -> l.replace("accounts.name ", "accounts.full_name ").replace("accounts", "clients"))
                .sorted().toList();
        List<String> actual = run.target(ACLS).stream()
                .filter(l -> l.startsWith("relation clients ") || l.startsWith("column clients."))
                .sorted().toList();
        assertEquals(expected, actual);
        AccessRoles roles = DdlWriter.roles(catalog, specs, DdlWriter.Options.defaults());
        assertEquals(Set.of(run.roles().get("r"), run.roles().get("w")), roles.grantees());
        assertEquals(Set.of(), roles.owners());
    }
}
