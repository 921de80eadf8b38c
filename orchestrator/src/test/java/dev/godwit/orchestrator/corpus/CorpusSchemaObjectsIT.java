package dev.godwit.orchestrator.corpus;

import dev.godwit.orchestrator.cli.CliRun;
import dev.godwit.orchestrator.cli.ExitCodes;
import dev.godwit.orchestrator.run.FullLoadFixtures;
import dev.godwit.workers.testkit.PgExtension;
import dev.godwit.workers.testkit.PgLab;
import dev.godwit.workers.testkit.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code godwit start} (a full-load task of every schema) on real application schemas from the shared corpus, loaded
 * on a 13 source with their own {@code load.sh}: every view, function, trigger and policy of the source is on the
 * 17 target afterwards, and a view selects the same rows on both sides. The corpus lives beside the repository
 * ({@code ../shared/corpus}) and is not copied into it; without it the tests are skipped.
 */
@ExtendWith(PgExtension.class)
class CorpusSchemaObjectsIT {

    /** Source and target alike: the application's objects, one line each, godwit's control schema left out. */
    static final List<String> OBJECTS = List.of(
            "SELECT schemaname || '.' || viewname FROM pg_views WHERE schemaname NOT IN ('pg_catalog',"
                    + " 'information_schema', 'godwit') UNION ALL SELECT schemaname || '.' || matviewname"
                    + " FROM pg_matviews ORDER BY 1",
            "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
                    + " WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'public', 'godwit')"
                    + " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e') ORDER BY 1",
            "SELECT tgrelid::regclass || ' ' || tgname || ' ' || tgenabled::text FROM pg_trigger"
                    + " WHERE NOT tgisinternal AND tgrelid::regclass::text NOT LIKE 'godwit.%' ORDER BY 1",
            "SELECT schemaname || '.' || tablename || ' ' || policyname || ' ' || cmd || ' ' || coalesce(qual, '-')"
                    + " || ' ' || coalesce(with_check, '-') FROM pg_policies ORDER BY 1",
            "SELECT relname || ' ' || relrowsecurity || ' ' || relforcerowsecurity FROM pg_class"
                    + " WHERE relrowsecurity OR relforcerowsecurity ORDER BY 1",
            "SELECT c.relname || ' ' || d.description FROM pg_description d JOIN pg_class c ON c.oid = d.objoid"
                    + " AND d.classoid = 'pg_class'::regclass WHERE c.relnamespace::regnamespace::text <> 'godwit'"
                    + " ORDER BY 1",
            // privileges (settings.privileges: keep), the owner named OWNER, the grantor left out; MAINTAIN is a
            // 17's owner default a 13 lacks
            "SELECT o.rel::regclass || coalesce('.' || o.col, '') || ' ' || CASE WHEN e.grantee = 0 THEN 'PUBLIC'"
                    + " WHEN e.grantee = o.owner THEN 'OWNER' ELSE pg_get_userbyid(e.grantee) END || ' '"
                    + " || e.privilege_type || CASE WHEN e.is_grantable THEN '*' ELSE '' END"
                    + " FROM (SELECT c.oid AS rel, c.relowner AS owner, NULL::name AS col, coalesce(c.relacl,"
                    + " acldefault(CASE c.relkind WHEN 'S' THEN 's' ELSE 'r' END::\"char\", c.relowner)) AS acl"
                    + " FROM pg_class c WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S')"
                    + " UNION ALL SELECT c.oid, c.relowner, a.attname, a.attacl FROM pg_attribute a"
                    + " JOIN pg_class c ON c.oid = a.attrelid WHERE a.attacl IS NOT NULL AND a.attnum > 0) o,"
                    + " aclexplode(o.acl) e WHERE e.privilege_type <> 'MAINTAIN'"
                    + " AND (SELECT relnamespace::regnamespace::text FROM pg_class WHERE oid = o.rel)"
                    + " NOT IN ('godwit', 'pg_catalog', 'information_schema', 'pg_toast') ORDER BY 1",
            "SELECT p.oid::regprocedure || ' ' || CASE WHEN e.grantee = 0 THEN 'PUBLIC' WHEN e.grantee = p.proowner"
                    + " THEN 'OWNER' ELSE pg_get_userbyid(e.grantee) END || ' ' || e.privilege_type"
                    + " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace,"
                    + " aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) e"
                    + " WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'public', 'godwit')"
                    + " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e') ORDER BY 1");

    @TempDir
    Path dir;

    @Test
    void graphileStarterArrivesWithItsFunctionsTriggersAndPolicies(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(13);
        TestDatabase target = lab.newDatabase(17);
        // the policies and grants name these roles: a target cluster needs them before the schema (corpus README)
        target.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'graphile_starter')"
                + " THEN CREATE ROLE graphile_starter; END IF; IF NOT EXISTS (SELECT FROM pg_roles"
                + " WHERE rolname = 'graphile_starter_visitor') THEN CREATE ROLE graphile_starter_visitor; END IF; END $$");
        load("graphile-starter", source);

        CliRun run = CliRun.of("start", task(source, target).toString());

        assertEquals(ExitCodes.OK, run.exitCode(), run::toString);
        assertSameObjects(source, target);
        assertFalse(source.column(OBJECTS.get(1)).isEmpty());
        assertEquals(source.fingerprint("app_public.users"), target.fingerprint("app_public.users"));
        // the default that calls app_public.current_user_id() and the triggers work on the target
        target.execute("INSERT INTO app_public.organizations (slug, name) VALUES ('godwit-test', 'Godwit')");
        assertEquals("1", target.value("SELECT count(*) FROM app_public.organizations WHERE slug = 'godwit-test'"
                + " AND created_at IS NOT NULL"));
    }

    @Test
    void chinookArrivesWithAViewThatSelectsTheSameRows(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(13);
        TestDatabase target = lab.newDatabase(17);
        load("chinook", source);
        // chinook has no view or trigger of its own: an application's reporting view, a function and a trigger
        source.execute("CREATE VIEW public.artist_tracks AS SELECT ar.name AS artist, count(t.track_id) AS tracks,"
                        + " sum(t.milliseconds) AS ms FROM artist ar JOIN album al ON al.artist_id = ar.artist_id"
                        + " JOIN track t ON t.album_id = al.album_id GROUP BY ar.name",
                "CREATE MATERIALIZED VIEW public.top_artists AS SELECT * FROM public.artist_tracks"
                        + " ORDER BY tracks DESC, artist LIMIT 10",
                "CREATE FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql AS"
                        + " $$ BEGIN NEW.name := trim(NEW.name); RETURN NEW; END $$",
                "CREATE TRIGGER artist_touch BEFORE INSERT OR UPDATE ON public.artist FOR EACH ROW"
                        + " EXECUTE FUNCTION public.touch()",
                "CREATE FUNCTION public.ddl_log() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN END $$",
                "CREATE EVENT TRIGGER ddl_log ON ddl_command_end EXECUTE FUNCTION public.ddl_log()");
        Path task = task(source, target);

        CliRun plan = CliRun.of("plan", task.toString(), "--json");
        CliRun run = CliRun.of("start", task.toString());

        assertEquals(ExitCodes.OK, plan.exitCode(), plan::toString);
        assertTrue(plan.out().contains("\"object\" : \"event trigger ddl_log\"")
                || plan.out().contains("\"object\":\"event trigger ddl_log\""), plan::toString);
        assertEquals(ExitCodes.OK, run.exitCode(), run::toString);
        assertSameObjects(source, target);
        assertEquals(source.fingerprint("public.artist_tracks"), target.fingerprint("public.artist_tracks"));
        assertEquals(source.fingerprint("public.top_artists"), target.fingerprint("public.top_artists"),
                "the materialized view was refreshed at the end of the load");
        target.execute("INSERT INTO public.artist (name) VALUES ('  padded  ')");
        assertEquals("1", target.value("SELECT count(*) FROM public.artist WHERE name = 'padded'"));
    }

    private static void assertSameObjects(TestDatabase source, TestDatabase target) {
        for (String query : OBJECTS) {
            assertEquals(source.column(query), target.column(query), query);
        }
        assertEquals(source.column("SELECT routine_schema || '.' || routine_name FROM information_schema.routines"
                        + " WHERE routine_schema = 'public' AND routine_name = 'touch'"),
                target.column("SELECT routine_schema || '.' || routine_name FROM information_schema.routines"
                        + " WHERE routine_schema = 'public' AND routine_name = 'touch'"));
    }

    /** Loads a corpus schema with its own load.sh (psql), skipping the test where the corpus or psql is absent. */
    private static void load(String name, TestDatabase db) throws IOException, InterruptedException {
        Path corpus = corpus();
        Path script = corpus.resolve(name).resolve("load.sh");
        assumeTrue(Files.isRegularFile(script), "the corpus is not beside the repository: " + script);
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/psql")) || onPath("psql"), "psql is not installed");
        Process p = new ProcessBuilder("sh", script.toString(), db.url()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "load.sh of " + name + " did not finish");
        assertEquals(0, p.exitValue(), () -> "load.sh of " + name + " failed:\n" + output);
    }

    /** {@code ../shared/corpus} from the repository root, which holds the mappings, workers and orchestrator modules. */
    private static Path corpus() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !(Files.isDirectory(dir.resolve("workers")) && Files.isDirectory(dir.resolve("mappings")))) {
            dir = dir.getParent();
        }
        return dir == null || dir.getParent() == null ? Path.of("/nonexistent")
                : dir.getParent().resolve("shared").resolve("corpus");
    }

    private static boolean onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String d : path.split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, program))) {
                return true;
            }
        }
        return false;
    }

    private Path task(TestDatabase source, TestDatabase target) throws IOException {
        return FullLoadFixtures.task(dir, "corpus", source, target, FullLoadFixtures.ALL_TABLES, 2, "");
    }
}
