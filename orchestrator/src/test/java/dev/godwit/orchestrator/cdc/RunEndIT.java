package dev.godwit.orchestrator.cdc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.godwit.orchestrator.cli.CliRun;
import dev.godwit.orchestrator.cli.ExitCodes;
import dev.godwit.workers.testkit.PgExtension;
import dev.godwit.workers.testkit.PgLab;
import dev.godwit.workers.testkit.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Why a run ended, from another process: CDC stopped by an error the target raised, a run killed with SIGKILL, and a
 * stop, each shown by {@code godwit status} (text and JSON) with how to go on; the exit code says the failure class.
 */
@ExtendWith(PgExtension.class)
class RunEndIT {

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void statusNamesTheErrorThatEndedCdcAKillAndAStop(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(17);
        TestDatabase target = lab.newDatabase(17);
        source.execute("CREATE TABLE items (id int PRIMARY KEY, doc text NOT NULL)", "INSERT INTO items VALUES (1, 'a')");
        Path task = CdcTasks.write(dir, "ends", source, target, "validation:\n  enabled: false\n");

        Process godwit = Godwit.start(dir, "start", task.toString());
        try {
            Godwit.awaitLog(dir, Pattern.compile("cdc: streaming slot"), Duration.ofSeconds(120));
            target.execute("ALTER TABLE items ADD CONSTRAINT items_doc_unique UNIQUE (doc)");
            source.execute("INSERT INTO items VALUES (2, 'a')"); // the target refuses it: CDC ends (errorPolicy stop)
            assertTrue(godwit.waitFor(120, TimeUnit.SECONDS), "CDC ends on the error");
            assertEquals(ExitCodes.FAILED, godwit.exitValue(), () -> Godwit.log(dir));
        } finally {
            godwit.destroyForcibly();
        }
        CliRun status = CliRun.of("status", task.toString());
        assertTrue(status.out().contains("not running"), status.out());
        assertTrue(Pattern.compile("LAST RUN .*ended by an error \\(failed\\): .*items_doc_unique.*godwit resume ")
                .matcher(status.out()).find(), status.out());
        JsonNode json = new ObjectMapper().readTree(CliRun.of("status", "--json", task.toString()).out());
        assertEquals("ERROR", json.get("lastRunEnd").get("level").asText());
        assertFalse(json.get("running").asBoolean());

        target.execute("ALTER TABLE items DROP CONSTRAINT items_doc_unique");
        Process resumed = Godwit.start(dir, "resume", task.toString());
        try {
            awaitCopied(target, resumed);
        } finally {
            resumed.destroyForcibly(); // SIGKILL: the run cannot say anything
            assertTrue(resumed.waitFor(30, TimeUnit.SECONDS));
        }
        status = CliRun.of("status", task.toString());
        assertTrue(status.out().contains("ended without a word (killed, crashed, or its machine lost) in phase CDC"),
                status.out());

        Process again = Godwit.start(dir, "resume", task.toString());
        try {
            Godwit.awaitLog(dir, Pattern.compile("ended without a word"), Duration.ofSeconds(60));
            assertEquals(ExitCodes.OK, CliRun.of("stop", task.toString()).exitCode());
            assertTrue(again.waitFor(60, TimeUnit.SECONDS), "the resumed run stops");
        } finally {
            again.destroyForcibly();
        }
        status = CliRun.of("status", task.toString());
        assertTrue(Pattern.compile("last run .*stopped in cdc \\(.*\\): at the checkpoint; 'godwit resume ")
                .matcher(status.out()).find(), status.out());
        assertEquals("1", target.value("SELECT count(*) FROM godwit.event WHERE step = 'run' AND level = 'WARN'"
                + " AND message LIKE '%ended without a word%'"), "the next run records the kill once");
    }

    private static void awaitCopied(TestDatabase target, Process godwit) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!"2".equals(target.value("SELECT count(*) FROM items"))) {
            assertTrue(godwit.isAlive(), "the resumed run ended early");
            assertTrue(System.nanoTime() < deadline, "the change was not applied after the resume");
            Thread.sleep(200);
        }
    }
}
