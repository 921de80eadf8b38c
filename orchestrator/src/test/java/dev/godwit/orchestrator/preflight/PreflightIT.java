package dev.godwit.orchestrator.preflight;

import com.fasterxml.jackson.databind.JsonNode;
import dev.godwit.mappings.task.TaskLoader;
import dev.godwit.orchestrator.cli.CliRun;
import dev.godwit.orchestrator.cli.ExitCodes;
import dev.godwit.orchestrator.plan.Planner;
import dev.godwit.workers.testkit.PgExtension;
import dev.godwit.workers.testkit.PgLab;
import dev.godwit.workers.testkit.PgServer;
import dev.godwit.workers.testkit.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.godwit.orchestrator.preflight.PreflightTasks.findings;
import static dev.godwit.orchestrator.preflight.PreflightTasks.has;
import static dev.godwit.orchestrator.preflight.PreflightTasks.roleName;
import static dev.godwit.orchestrator.preflight.PreflightTasks.task;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(PgExtension.class)
class PreflightIT {
    @TempDir
    Path dir;

    @Test
    void aWellPreparedSourceAndTargetPassWithExitCodeZero(PgLab lab) {
        TestDatabase source = lab.newDatabase(17);
        TestDatabase target = lab.newDatabase(17);
        source.execute("CREATE TABLE public.orders (id int PRIMARY KEY, total numeric)");
        Path task = task(dir, source.url(), target.url(), "full-load-and-cdc", "");

        CliRun run = CliRun.of("preflight", task.toString());

        assertEquals(ExitCodes.OK, run.exitCode(), run::toString);
        assertFalse(run.out().contains("BLOCKERS"), run::toString);
        assertTrue(run.out().contains("0 blockers"), run::toString);
    }

    @Test
    void serverSettingsThatBreakChangeDataCaptureAreBlockersWithTheirFix(PgLab lab) {
        PgServer server = lab.dedicatedServer(17, Map.of("wal_level", "replica", "max_replication_slots", "0",
                "max_wal_senders", "0", "wal_sender_timeout", "'5s'", "max_slot_wal_keep_size", "'64MB'",
                "logical_decoding_work_mem", "'1MB'"), List.of());
        TestDatabase source = lab.newDatabase(server);
        TestDatabase target = lab.newDatabase(server);
        source.execute("CREATE TABLE public.orders (id int PRIMARY KEY)");
        Path task = task(dir, source.url(), target.url(), "full-load-and-cdc", "");

        CliRun run = CliRun.of("preflight", "--json", task.toString());

        assertEquals(ExitCodes.PREFLIGHT_BLOCKERS, run.exitCode(), run::toString);
        List<String> f = findings(run);
        assertTrue(f.contains("blocker source.wal_level wal_level"), f::toString);
        assertTrue(f.contains("blocker source.replication_slots max_replication_slots"), f::toString);
        assertTrue(f.contains("blocker source.wal_senders max_wal_senders"), f::toString);
        assertTrue(f.contains("warning source.wal_sender_timeout wal_sender_timeout"), f::toString);
        assertTrue(f.contains("warning source.max_slot_wal_keep_size max_slot_wal_keep_size"), f::toString);
        assertTrue(f.contains("warning source.logical_decoding_work_mem logical_decoding_work_mem"), f::toString);
        JsonNode wal = PreflightTasks.json(run).get("findings").get(0);
        assertEquals("source.wal_level", wal.get("check").asText(), "blockers come first");
        assertTrue(wal.get("fix").asText().contains("wal_level = logical"), wal::toString);
    }

    @Test
    void aFullLoadTaskDoesNotNeedLogicalDecoding(PgLab lab) {
        PgServer server = lab.dedicatedServer(17, Map.of("wal_level", "replica", "max_replication_slots", "0",
                "max_wal_senders", "0"), List.of());
        TestDatabase source = lab.newDatabase(server);
        TestDatabase target = lab.newDatabase(server);
        source.execute("CREATE TABLE public.notes (body text)");
        Path task = task(dir, source.url(), target.url(), "full-load", "");

        CliRun run = CliRun.of("preflight", "--json", task.toString());

        assertEquals(ExitCodes.OK, run.exitCode(), run::toString);
        assertFalse(has(findings(run), "blocker"), run::toString);
    }

    @Test
    void aRoleWithoutReplicationSelectOrOwnershipGetsOneBlockerPerMissingPrivilege(PgLab lab) {
        TestDatabase source = lab.newDatabase(17);
        TestDatabase target = lab.newDatabase(17);
        String role = roleName();
        source.execute("CREATE ROLE " + role + " LOGIN",
                "CREATE SCHEMA sales",
                "CREATE TABLE public.orders (id int PRIMARY KEY)",
                "CREATE TABLE public.readable (id int PRIMARY KEY)",
                "GRANT SELECT ON public.readable TO " + role,
                "ALTER ROLE " + role + " SET statement_timeout = '1min'");
        Path task = task(dir, source.server().url(source.name(), role), target.url(), "full-load-and-cdc", "");

        CliRun run = CliRun.of("preflight", "--json", task.toString());

        assertEquals(ExitCodes.PREFLIGHT_BLOCKERS, run.exitCode(), run::toString);
        List<String> f = findings(run);
        assertTrue(f.contains("blocker source.select \"public\".\"orders\""), f::toString);
        assertFalse(f.contains("blocker source.select \"public\".\"readable\""), f::toString);
        assertTrue(f.contains("blocker source.replication_role role " + role), f::toString);
        assertTrue(f.contains("blocker source.publication publication \"godwit_pf\""), f::toString);
        assertTrue(has(f, "warning source.statement_timeout statement_timeout for role " + role), f::toString);
        assertTrue(run.out().contains("ALTER ROLE \\\"" + role + "\\\" REPLICATION"), run::toString);
    }

    @Test
    void aSchemaWithoutUsageIsABlockerNamingTheGrant(PgLab lab) {
        TestDatabase source = lab.newDatabase(17);
        TestDatabase target = lab.newDatabase(17);
        String role = roleName();
        source.execute("CREATE ROLE " + role + " LOGIN REPLICATION",
                "CREATE SCHEMA hidden",
                "CREATE TABLE hidden.t (id int PRIMARY KEY)",
                "GRANT SELECT ON hidden.t TO " + role);
        Path task = task(dir, source.server().url(source.name(), role), target.url(), "full-load", "");
        PreflightTasks.writeMappings(dir, "hidden");

        CliRun run = CliRun.of("preflight", task.toString());

        assertEquals(ExitCodes.PREFLIGHT_BLOCKERS, run.exitCode(), run::toString);
        assertTrue(run.out().contains("[source.schema_usage]"), run::toString);
        assertTrue(run.out().contains("GRANT USAGE ON SCHEMA \"hidden\" TO \"" + role + "\";"), run::toString);
    }

    @Test
    void tablesThatLogicalReplicationCannotCarryAreBlockersAndLargeObjectsAndCaseOnlyNamesWarnings(PgLab lab) {
        TestDatabase source = lab.newDatabase(17);
        TestDatabase target = lab.newDatabase(17);
        source.execute("CREATE TABLE public.no_key (a int, b text)",
                "CREATE TABLE public.nothing_identity (id int PRIMARY KEY)",
                "ALTER TABLE public.nothing_identity REPLICA IDENTITY NOTHING",
                "CREATE TABLE public.full_identity (a int)",
                "ALTER TABLE public.full_identity REPLICA IDENTITY FULL",
                "CREATE UNLOGGED TABLE public.scratch (id int PRIMARY KEY)",
                "CREATE TABLE public.docs (id int PRIMARY KEY, body oid)",
                "CREATE TABLE public.\"Orders\" (id int PRIMARY KEY, \"Total\" int, total int)",
                "CREATE TABLE public.orders (id int PRIMARY KEY)");
        Path task = task(dir, source.url(), target.url(), "full-load-and-cdc", "");

        CliRun run = CliRun.of("preflight", "--json", task.toString());

        assertEquals(ExitCodes.PREFLIGHT_BLOCKERS, run.exitCode(), run::toString);
        List<String> f = findings(run);
        assertTrue(f.contains("blocker table.replica_identity \"public\".\"no_key\""), f::toString);
        assertTrue(f.contains("blocker table.replica_identity \"public\".\"nothing_identity\""), f::toString);
        assertFalse(has(f, "blocker table.replica_identity \"public\".\"full_identity\""), f::toString);
        assertTrue(f.contains("warning table.unlogged \"public\".\"scratch\""), f::toString);
        assertFalse(has(f, "table.replica_identity \"public\".\"scratch\""), f::toString);
        assertTrue(f.contains("warning table.large_objects \"public\".\"docs\""), f::toString);
        assertTrue(f.contains("warning table.case_only_names \"public\".\"Orders\", \"public\".\"orders\""), f::toString);
        assertTrue(f.contains("warning table.case_only_names \"public\".\"Orders\" columns \"Total\", \"total\""), f::toString);
    }

    @Test
    void anExistingPublicationThatLacksASelectedTableIsABlocker(PgLab lab) {
        TestDatabase source = lab.newDatabase(17);
        TestDatabase target = lab.newDatabase(17);
        source.execute("CREATE TABLE public.a (id int PRIMARY KEY)", "CREATE TABLE public.b (id int PRIMARY KEY)",
                "CREATE PUBLICATION mine FOR TABLE public.a");
        Path task = task(dir, source.url(), target.url(), "cdc", "  publicationName: mine\n");

        CliRun run = CliRun.of("preflight", "--json", task.toString());

        assertEquals(ExitCodes.PREFLIGHT_BLOCKERS, run.exitCode(), run::toString);
        JsonNode finding = PreflightTasks.json(run).get("findings").get(0);
        assertEquals("source.publication", finding.get("check").asText(), run::toString);
        assertTrue(finding.get("problem").asText().contains("\"public\".\"b\""), run::toString);
        assertFalse(finding.get("problem").asText().contains("\"public\".\"a\""), run::toString);
        assertTrue(finding.get("fix").asText().contains("ALTER PUBLICATION \"mine\" ADD TABLE \"public\".\"b\""), run::toString);
    }

    @Test
    void fixMakesTablesWithoutAKeyReplicableAndCreatesThePublicationThenPasses(PgLab lab) {
        TestDatabase source = lab.newDatabase(17);
        TestDatabase target = lab.newDatabase(17);
        source.execute("CREATE TABLE public.events (at timestamptz, what text)",
                "CREATE TABLE public.orders (id int PRIMARY KEY)");
        Path task = task(dir, source.url(), target.url(), "full-load-and-cdc", "");

        CliRun run = CliRun.of("preflight", "--fix", task.toString());

        assertEquals(ExitCodes.OK, run.exitCode(), run::toString);
        String out = run.out();
        assertTrue(out.contains("--fix: ALTER TABLE \"public\".\"events\" REPLICA IDENTITY FULL;"), run::toString);
        assertTrue(out.indexOf("REPLICA IDENTITY FULL") < out.indexOf("CREATE PUBLICATION"), "identity before publication:\n" + run);
        assertEquals("f", source.value("SELECT relreplident FROM pg_class WHERE oid = 'public.events'::regclass"));
        assertEquals("2", source.value("SELECT count(*) FROM pg_publication_tables WHERE pubname = 'godwit_pf'"));
        assertEquals("true", source.value("SELECT pubviaroot::text FROM pg_publication WHERE pubname = 'godwit_pf'"));
    }

    @Test
    void anOlderTargetIsABlocker(PgLab lab) {
        TestDatabase source = lab.newDatabase(17);
        TestDatabase target = lab.newDatabase(13);
        source.execute("CREATE TABLE public.t (id int PRIMARY KEY)");
        Path task = task(dir, source.url(), target.url(), "full-load", "");

        CliRun run = CliRun.of("preflight", "--json", task.toString());

        assertEquals(ExitCodes.PREFLIGHT_BLOCKERS, run.exitCode(), run::toString);
        assertTrue(findings(run).contains("blocker target.version server_version"), run::toString);
    }

    @Test
    void aPolicyRoleMissingOnTheTargetIsABlockerAndAnIndexsExtensionIsNamed(PgLab lab) {
        TestDatabase source = lab.newDatabase(13);
        TestDatabase target = lab.newDatabase(17);
        String role = roleName();
        source.execute("CREATE ROLE " + role, "CREATE EXTENSION pg_trgm",
                "CREATE TABLE public.t (id int PRIMARY KEY, name text)",
                "CREATE INDEX t_name_trgm ON public.t USING gin (name gin_trgm_ops)",
                "CREATE POLICY mine ON public.t FOR SELECT TO " + role + " USING (true)");
        Path task = task(dir, source.url(), target.url(), "full-load", "");

        CliRun run = CliRun.of("preflight", "--json", task.toString());

        assertEquals(ExitCodes.PREFLIGHT_BLOCKERS, run.exitCode(), run::toString);
        List<String> f = findings(run);
        assertTrue(f.contains("blocker target.role_missing role " + role), f::toString);
        assertTrue(f.contains("warning target.extension_not_created extension pg_trgm"), f::toString);
    }

    @Test
    void aRoleThatGrantsNameIsABlockerUnlessPrivilegesAreNoneAndOwnersCountOnlyWhenKept(PgLab lab) {
        TestDatabase source = lab.newDatabase(13);
        TestDatabase target = lab.newDatabase(17);
        String reader = roleName();
        String owner = roleName();
        source.execute("CREATE ROLE " + reader, "CREATE ROLE " + owner,
                "CREATE TABLE public.t (id int PRIMARY KEY, name text)",
                "ALTER TABLE public.t OWNER TO " + owner,
                "GRANT SELECT (name) ON public.t TO " + reader);

        CliRun kept = CliRun.of("preflight", "--json",
                task(dir, source.url(), target.url(), "full-load", "").toString());
        List<String> f = findings(kept);
        assertEquals(ExitCodes.PREFLIGHT_BLOCKERS, kept.exitCode(), kept::toString);
        assertTrue(f.contains("blocker target.role_missing role " + reader), f::toString);
        assertFalse(has(f, "blocker target.role_missing role " + owner), "the task user owns by default: " + f);
        assertTrue(kept.out().contains("privileges: none"), kept::toString);

        CliRun owners = CliRun.of("preflight", "--json",
                task(dir, source.url(), target.url(), "full-load", "ownership: keep").toString());
        assertTrue(findings(owners).contains("blocker target.role_missing role " + owner), owners::toString);
        assertTrue(owners.out().contains("ownership: task-user"), owners::toString);

        CliRun none = CliRun.of("preflight", "--json",
                task(dir, source.url(), target.url(), "full-load", "privileges: none").toString());
        assertFalse(has(findings(none), "blocker target.role_missing"), none::toString);
    }

    @Test
    void keepingOwnersTheTargetUserCannotActAsIsABlockerNamingThemAndBothFixes(PgLab lab) {
        TestDatabase source = lab.newDatabase(17);
        TestDatabase target = lab.newDatabase(17);
        String owner = roleName();
        String user = roleName();
        // one server: the roles exist on both sides, so only the membership is missing
        source.execute("CREATE ROLE " + owner, "CREATE ROLE " + user + " LOGIN",
                "CREATE TABLE public.t (id int PRIMARY KEY)", "ALTER TABLE public.t OWNER TO " + owner);
        target.execute("GRANT CREATE ON DATABASE " + target.name() + " TO " + user);
        String targetUrl = target.server().url(target.name(), user);

        CliRun run = CliRun.of("preflight", "--json",
                task(dir, source.url(), targetUrl, "full-load", "ownership: keep").toString());

        assertEquals(ExitCodes.PREFLIGHT_BLOCKERS, run.exitCode(), run::toString);
        assertTrue(findings(run).contains("blocker target.ownership roles " + owner), run::toString);
        assertTrue(run.out().contains("GRANT \\\"" + owner + "\\\" TO \\\"" + user + "\\\""), run::toString);
        assertTrue(run.out().contains("ownership: task-user"), run::toString);

        // a member, but the owner may not create in public (15+), and the user may not grant it that
        target.execute("GRANT " + owner + " TO " + user, "GRANT CREATE ON SCHEMA public TO " + user);
        Path kept = task(dir, source.url(), targetUrl, "full-load", "ownership: keep");
        CliRun member = CliRun.of("preflight", "--json", kept.toString());
        assertTrue(findings(member).contains("blocker target.ownership schema public"), member::toString);
        assertFalse(has(findings(member), "blocker target.ownership roles"), member::toString);

        // the database's owner may grant CREATE on public: the table is loaded, then given to its source owner,
        // and public's privileges end as they were
        target.execute("ALTER DATABASE " + target.name() + " OWNER TO " + user);
        CliRun owning = CliRun.of("preflight", "--json", kept.toString());
        assertFalse(has(findings(owning), "blocker target.ownership"), owning::toString);
        CliRun start = CliRun.of("start", kept.toString());
        assertEquals(ExitCodes.OK, start.exitCode(), start::toString);
        assertEquals(owner, target.value("SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = 'public.t'::regclass"));
        assertEquals("false", target.value("SELECT has_schema_privilege('" + owner + "', 'public', 'CREATE')::text"));
    }

    @Test
    void aTargetRoleThatCannotCreateSchemasIsABlockerForTablesAndControlSchema(PgLab lab) {
        TestDatabase source = lab.newDatabase(17);
        TestDatabase target = lab.newDatabase(17);
        String role = roleName();
        source.execute("CREATE SCHEMA shop", "CREATE TABLE shop.t (id int PRIMARY KEY)");
        target.execute("CREATE ROLE " + role + " LOGIN");
        Path task = task(dir, source.url(), target.server().url(target.name(), role), "full-load", "");
        PreflightTasks.writeMappings(dir, "shop");

        CliRun run = CliRun.of("preflight", "--json", task.toString());

        assertEquals(ExitCodes.PREFLIGHT_BLOCKERS, run.exitCode(), run::toString);
        List<String> f = findings(run);
        assertTrue(f.contains("blocker target.create_schema schema \"shop\""), f::toString);
        assertTrue(f.contains("blocker target.control_schema schema \"godwit\""), f::toString);
    }

    @Test
    void rowsInTheWayOfDoNothingAreBlockersAndTablesInTheWayOfDropAndCreateWarnings(PgLab lab) {
        TestDatabase source = lab.newDatabase(17);
        TestDatabase target = lab.newDatabase(17);
        source.execute("CREATE TABLE public.full_one (id int PRIMARY KEY)", "CREATE TABLE public.empty_one (id int PRIMARY KEY)");
        target.execute("CREATE TABLE public.full_one (id int PRIMARY KEY)", "INSERT INTO public.full_one VALUES (1)",
                "CREATE TABLE public.empty_one (id int PRIMARY KEY)");

        CliRun doNothing = CliRun.of("preflight", "--json",
                task(dir, source.url(), target.url(), "full-load", "  targetTablePrepMode: DO_NOTHING\n").toString());
        CliRun drop = CliRun.of("preflight", "--json",
                task(dir, source.url(), target.url(), "full-load", "").toString());
        CliRun truncate = CliRun.of("preflight", "--json",
                task(dir, source.url(), target.url(), "full-load", "  targetTablePrepMode: TRUNCATE_BEFORE_LOAD\n").toString());

        assertEquals(ExitCodes.PREFLIGHT_BLOCKERS, doNothing.exitCode(), doNothing::toString);
        assertEquals(List.of("blocker target.existing_rows \"public\".\"full_one\""), findings(doNothing), doNothing::toString);
        assertEquals(ExitCodes.OK, drop.exitCode(), drop::toString);
        assertEquals(List.of("warning target.existing_tables \"public\".\"empty_one\", \"public\".\"full_one\""),
                findings(drop), drop::toString);
        assertEquals(ExitCodes.OK, truncate.exitCode(), truncate::toString);
        assertEquals(List.of("warning target.existing_tables \"public\".\"full_one\""), findings(truncate), truncate::toString);
    }

    @Test
    void aKeptForeignKeyIsABlockerOnlyForARoleThatMayNotSetReplicaMode(PgLab lab) {
        TestDatabase source = lab.newDatabase(17);
        TestDatabase target = lab.newDatabase(17);
        String schema = "CREATE TABLE parent (id int PRIMARY KEY); CREATE TABLE child (id int PRIMARY KEY,"
                + " parent_id int CONSTRAINT to_parent REFERENCES parent)";
        String role = roleName();
        source.execute(schema);
        target.execute(schema, "CREATE ROLE " + role + " LOGIN", "ALTER DATABASE " + target.name() + " OWNER TO " + role,
                "ALTER SCHEMA public OWNER TO " + role, "ALTER TABLE parent OWNER TO " + role,
                "ALTER TABLE child OWNER TO " + role);
        String settings = "  targetTablePrepMode: TRUNCATE_BEFORE_LOAD\n";

        CliRun owner = CliRun.of("preflight", "--json",
                task(dir, source.url(), target.server().url(target.name(), role), "full-load", settings).toString());
        CliRun superuser = CliRun.of("preflight", "--json",
                task(dir, source.url(), target.url(), "full-load", settings).toString());

        assertEquals(ExitCodes.PREFLIGHT_BLOCKERS, owner.exitCode(), owner::toString);
        assertEquals(List.of("blocker target.kept_foreign_keys public.child"), findings(owner).stream()
                .filter(f -> f.contains("kept_foreign_keys")).toList(), owner::toString);
        assertTrue(owner.out().contains("ADD CONSTRAINT \\\"to_parent\\\" FOREIGN KEY (parent_id) REFERENCES parent(id)"),
                owner::toString);
        assertEquals(ExitCodes.OK, superuser.exitCode(), superuser::toString);
        assertTrue(findings(superuser).stream().noneMatch(f -> f.contains("kept_foreign_keys")), superuser::toString);
    }

    @Test
    void openAndPreparedTransactionsThatHoldBackTheSlotAreReported(PgLab lab) throws Exception {
        PgServer server = lab.dedicatedServer(17, Map.of("max_prepared_transactions", "5"), List.of());
        TestDatabase source = lab.newDatabase(server);
        TestDatabase target = lab.newDatabase(server);
        source.execute("CREATE TABLE public.t (id int PRIMARY KEY)",
                "BEGIN; INSERT INTO public.t VALUES (1); PREPARE TRANSACTION 'forgotten'");
        Path taskFile = task(dir, source.url(), target.url(), "full-load-and-cdc", "");
        var task = new TaskLoader().load(taskFile);
        try (Connection open = source.connect(); Connection s = server.connectAsSuperuser(source.name());
             Connection t = server.connectAsSuperuser(target.name())) {
            open.setAutoCommit(false);
            open.createStatement().execute("SELECT txid_current()");
            Thread.sleep(1100);
            var plan = Planner.forSource(task, s);

            PreflightReport report = new Preflight(Duration.ofSeconds(1))
                    .run(new PreflightContext(task, plan, s, t, "postgres", "postgres"));

            assertEquals(1, report.of("source.long_transactions").size(), report::toString);
            assertEquals(1, report.of("source.prepared_transactions").size(), report::toString);
            assertTrue(report.of("source.prepared_transactions").get(0).fix().contains("ROLLBACK PREPARED 'forgotten'"));
            open.rollback();
        } finally {
            source.execute("ROLLBACK PREPARED 'forgotten'");
        }
    }
}
