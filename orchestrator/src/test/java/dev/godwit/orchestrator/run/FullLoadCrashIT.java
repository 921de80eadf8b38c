package dev.godwit.orchestrator.run;

import dev.godwit.workers.testkit.PgExtension;
import dev.godwit.workers.testkit.PgLab;
import dev.godwit.workers.testkit.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kills a real godwit process with SIGKILL at many points of a full load (planning, schema, copying, post-data,
 * the last step), resumes after each kill, and proves the target equal to the source: no row lost, none twice.
 */
@ExtendWith(PgExtension.class)
class FullLoadCrashIT {
    /** Where to kill: the n-th log line matching the pattern. */
    private record KillPoint(String pattern, int occurrence) {
    }

    private static final List<KillPoint> KILL_POINTS = List.of(
            new KillPoint("STEP 2/6", 1),
            new KillPoint("STEP 3/6", 1),
            new KillPoint("STEP 5/6", 1),
            new KillPoint("unit .* copied", 1),
            new KillPoint("unit .* copied", 4),
            new KillPoint("unit .* copied", 2),
            new KillPoint("post-data statements", 1),
            new KillPoint("unit .* copied", 3),
            new KillPoint("post-data statements", 2),
            new KillPoint("STEP 6/6", 1),
            new KillPoint("foreign keys created", 1));

    @TempDir
    Path dir;

    @Test
    void resumesAfterKill9AtAnyPointOfTheFullLoadToAnExactCopy(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(13);
        TestDatabase target = lab.newDatabase(17);
        List<String> tables = new ArrayList<>();
        StringBuilder ddl = new StringBuilder("CREATE TABLE parent (id bigint PRIMARY KEY, note text);"
                + "INSERT INTO parent SELECT g, 'p' || g FROM generate_series(1, 100) g;");
        for (int i = 1; i <= 6; i++) {
            String t = "t" + i;
            tables.add(t);
            ddl.append("CREATE TABLE ").append(t).append(" (id bigint PRIMARY KEY, parent_id bigint REFERENCES parent, ")
                    .append("v text, n numeric, at timestamptz);")
                    .append("INSERT INTO ").append(t).append(" SELECT g, 1 + g % 100, repeat(md5(g::text), 3), g * 1.25, ")
                    .append("timestamptz '2025-01-01' + g * interval '1 s' FROM generate_series(1, ").append(20000 + i * 3000)
                    .append(") g;");
        }
        ddl.append("ANALYZE;");
        tables.add("parent");
        source.execute(ddl.toString());
        Path task = FullLoadFixtures.task(dir, "crashtest", source, target, FullLoadFixtures.PUBLIC_TABLES, 2,
                "splitThreshold: 1MB");

        int kills = 0;
        String verb = "start";
        for (KillPoint point : KILL_POINTS) {
            GodwitProcess run = GodwitProcess.start(Pattern.compile(point.pattern()), point.occurrence(), verb, task.toString());
            int code = run.waitFor(300);
            if (run.wasKilled()) {
                kills++;
            } else {
                assertEquals(0, code, () -> "an unkilled run must succeed:\n" + run.output());
            }
            if (target.value("SELECT count(*) FROM pg_namespace WHERE nspname = 'godwit'").equals("1")
                    && !target.column("SELECT 1 FROM godwit.task").isEmpty()) {
                verb = "resume";
            }
            if (!run.wasKilled()) {
                break;
            }
        }
        assertTrue(kills >= 10, "killed godwit " + kills + " times");

        GodwitProcess last = GodwitProcess.start(null, 0, verb, task.toString());
        assertEquals(0, last.waitFor(300), last::output);

        for (String t : tables) {
            assertEquals(source.fingerprint(t), target.fingerprint(t), t);
        }
        for (String t : tables) {
            long rows = source.count(t);
            assertEquals(rows + " " + rows, target.value("SELECT sum(source_rows) || ' ' || sum(rows_copied) FROM godwit.unit"
                    + " WHERE table_key = 'public." + t + "'"), "the rows both COPYs reported for " + t + ", kept across the kills");
        }
        assertEquals("EQUAL", target.value("SELECT state FROM godwit.validation_run ORDER BY id DESC LIMIT 1"),
                "the validation after the load, from the recorded counts");
        assertEquals("DONE", target.value("SELECT phase FROM godwit.task"));
        assertEquals("6", target.value("SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace"),
                "foreign keys created once");
        assertEquals("7", target.value("SELECT count(*) FROM pg_constraint WHERE contype = 'p' AND connamespace = 'public'::regnamespace"));
    }
}
