package dev.godwit.orchestrator.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.godwit.orchestrator.cli.CliRun;
import dev.godwit.orchestrator.cli.ExitCodes;
import dev.godwit.workers.testkit.PgExtension;
import dev.godwit.workers.testkit.PgLab;
import dev.godwit.workers.testkit.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Running a task day to day: status, stop from another process, SIGTERM, refusing a second run, cleanup. */
@ExtendWith(PgExtension.class)
class OperationsIT {
    private static final Pattern UNIT_COPIED = Pattern.compile("unit .* copied");

    @TempDir
    Path dir;

    @Test
    void stopFromAnotherProcessEndsTheRunCleanlyAndResumeFinishesIt(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(17);
        TestDatabase target = lab.newDatabase(17);
        Path task = slowTask(source, target);

        GodwitProcess run = GodwitProcess.start(null, 0, "start", task.toString());
        assertTrue(run.awaitLine(UNIT_COPIED, 120), run::output);
        CliRun second = CliRun.of("start", task.toString());
        assertEquals(ExitCodes.BAD_INPUT, second.exitCode(), second::toString);
        assertTrue(second.err().contains("is running in process"), second::toString);

        CliRun stop = CliRun.of("stop", task.toString());

        assertEquals(ExitCodes.OK, stop.exitCode(), stop::toString);
        assertEquals(0, run.waitFor(60), run::output);
        assertTrue(run.output().contains("Stopped."), run::output);
        CliRun status = CliRun.of("status", "--json", task.toString());
        assertEquals(ExitCodes.OK, status.exitCode(), status::toString);
        JsonNode s = new ObjectMapper().readTree(status.out());
        assertEquals("FULL_LOAD", s.get("phase").asText());
        assertFalse(s.get("running").asBoolean());
        assertTrue(s.get("unitsDone").asInt() > 0 && s.get("unitsDone").asInt() < s.get("units").asInt(), status::toString);

        CliRun resume = CliRun.of("resume", task.toString());

        assertEquals(ExitCodes.OK, resume.exitCode(), resume::toString);
        for (int i = 1; i <= 2; i++) {
            assertEquals(contents(source, "t" + i), contents(target, "t" + i));
        }
        CliRun done = CliRun.of("status", task.toString());
        assertTrue(done.out().contains("phase DONE"), done::toString);
    }

    @Test
    void sigtermStopsAfterTheUnitsInProgress(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(17);
        TestDatabase target = lab.newDatabase(17);
        Path task = slowTask(source, target);

        GodwitProcess run = GodwitProcess.start(null, 0, "start", task.toString());
        assertTrue(run.awaitLine(UNIT_COPIED, 120), run::output);
        run.terminate();

        assertEquals(0, run.waitFor(60), run::output);
        assertTrue(run.output().contains("stop requested (SIGTERM)"), run::output);
        assertEquals(ExitCodes.OK, CliRun.of("resume", task.toString()).exitCode());
        assertEquals(contents(source, "t1"), contents(target, "t1"));
    }

    @Test
    void cleanupRemovesTheTaskStateAndIsSafeToRunTwice(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(17);
        TestDatabase target = lab.newDatabase(17);
        source.execute("CREATE TABLE t (id int PRIMARY KEY)", "INSERT INTO t SELECT generate_series(1, 10)");
        Path task = task(source, target, 2, "1GB");
        assertEquals(ExitCodes.OK, CliRun.of("start", task.toString()).exitCode());

        CliRun first = CliRun.of("cleanup", "--all", task.toString());
        CliRun second = CliRun.of("cleanup", "--all", task.toString());

        assertEquals(ExitCodes.OK, first.exitCode(), first::toString);
        assertEquals(ExitCodes.OK, second.exitCode(), second::toString);
        assertEquals("0", target.value("SELECT count(*) FROM pg_namespace WHERE nspname = 'godwit'"));
        assertEquals(10, target.count("t"), "migrated tables are never touched");
        CliRun status = CliRun.of("status", task.toString());
        assertEquals(ExitCodes.BAD_INPUT, status.exitCode(), status::toString);
        assertTrue(status.err().contains("has no state"), status::toString);
    }

    /**
     * A load slow enough to stop in the middle: every row waits a tenth of a millisecond on the source, through an
     * added column whose expression sleeps.
     */
    private Path slowTask(TestDatabase source, TestDatabase target) throws Exception {
        StringBuilder ddl = new StringBuilder();
        for (int i = 1; i <= 2; i++) {
            ddl.append("CREATE TABLE t").append(i).append(" (id bigint PRIMARY KEY, v text);")
                    .append("INSERT INTO t").append(i).append(" SELECT g, repeat(md5(g::text), 4) FROM generate_series(1, 3000) g;");
        }
        source.execute(ddl + "ANALYZE;");
        return task(source, target, 1, "64kB", """
                ,{"rule-type": "transformation", "rule-id": "2", "rule-name": "slow", "rule-target": "column",
                  "object-locator": {"schema-name": "public", "table-name": "%"}, "rule-action": "add-column",
                  "value": "slow", "expression": "(SELECT 1 FROM pg_sleep(0.0001 + 0 * $id))", "data-type": {"type": "int4"}}""");
    }

    private static String contents(TestDatabase db, String table) {
        return db.value("SELECT count(*) || ':' || md5(string_agg(id || '/' || v, ',' ORDER BY id)) FROM " + table);
    }

    private Path task(TestDatabase source, TestDatabase target, int parallelism, String split) throws Exception {
        return task(source, target, parallelism, split, "");
    }

    private Path task(TestDatabase source, TestDatabase target, int parallelism, String split, String moreRules) throws Exception {
        String mappings = FullLoadFixtures.PUBLIC_TABLES.replace("}}]}", "}}" + moreRules + "]}");
        return FullLoadFixtures.task(dir, "ops", source, target, mappings, parallelism, "splitThreshold: " + split);
    }
}
