package dev.godwit.orchestrator.run;

import dev.godwit.orchestrator.cdc.Godwit;
import dev.godwit.orchestrator.cli.CliRun;
import dev.godwit.orchestrator.cli.ExitCodes;
import dev.godwit.workers.testkit.PgExtension;
import dev.godwit.workers.testkit.PgLab;
import dev.godwit.workers.testkit.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The list of steps that {@code godwit plan} prints is the list every kind of run logs, with the same numbers:
 * {@code start}, {@code resume}, a {@code cutover} with no process running the task, and a CDC-only task.
 */
@ExtendWith(PgExtension.class)
class StepListIT {
    private static final Pattern STEP = Pattern.compile("STEP (\\d+/\\d+ [a-z ,]+[a-z])");
    private static final Pattern STREAMING = Pattern.compile("cdc: streaming slot");

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void startResumeAndCutoverLogTheStepsThatPlanPrints(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(13);
        TestDatabase target = lab.newDatabase(17);
        source.execute("CREATE TABLE items (id int PRIMARY KEY, note text)",
                "INSERT INTO items SELECT g, 'n' || g FROM generate_series(1, 100) g");
        Path task = task(source, target, "full-load-and-cdc", "");
        List<String> planned = steps(CliRun.of("plan", task.toString()).out());
        assertEquals(List.of("1/7 plan and preflight", "2/7 control schema", "3/7 target schema", "4/7 snapshot",
                "5/7 full load", "6/7 foreign keys, sequences, report", "7/7 change data capture"), planned);

        for (String command : List.of("start", "resume")) {
            Path logs = Files.createDirectories(dir.resolve(command));
            Process godwit = Godwit.start(logs, command, task.toString());
            Godwit.awaitLog(logs, STREAMING, Duration.ofSeconds(120));
            assertEquals(ExitCodes.OK, CliRun.of("stop", task.toString()).exitCode());
            assertTrue(godwit.waitFor(60, TimeUnit.SECONDS));
            assertEquals(planned, steps(Godwit.log(logs)), command + " log:\n" + Godwit.log(logs));
        }
        Path logs = Files.createDirectories(dir.resolve("cutover"));
        Process cutover = Godwit.start(logs, "cutover", task.toString());
        assertTrue(cutover.waitFor(120, TimeUnit.SECONDS));
        assertEquals(ExitCodes.OK, cutover.exitValue(), Godwit.log(logs));
        assertEquals(planned, steps(Godwit.log(logs)), Godwit.log(logs));
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aCdcOnlyTaskLogsItsFourSteps(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(13);
        TestDatabase target = lab.newDatabase(17);
        for (TestDatabase db : List.of(source, target)) {
            db.execute("CREATE TABLE items (id int PRIMARY KEY, note text)");
        }
        source.execute("SELECT pg_create_logical_replication_slot('steplist_slot', 'pgoutput')");
        Path task = task(source, target, "cdc", "  slotName: steplist_slot\n");
        List<String> planned = steps(CliRun.of("plan", task.toString()).out());
        assertEquals(List.of("1/4 plan and preflight", "2/4 control schema", "3/4 position in an existing slot",
                "4/4 change data capture"), planned);
        Process godwit = Godwit.start(dir, "start", task.toString());
        Godwit.awaitLog(dir, STREAMING, Duration.ofSeconds(120));
        source.execute("INSERT INTO items VALUES (1, 'streamed')");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (target.count("items") == 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(ExitCodes.OK, CliRun.of("stop", task.toString()).exitCode());
        assertTrue(godwit.waitFor(60, TimeUnit.SECONDS));
        assertEquals(1, target.count("items"));
        assertEquals(planned, steps(Godwit.log(dir)), Godwit.log(dir));
    }

    private Path task(TestDatabase source, TestDatabase target, String type, String settings) throws Exception {
        return FullLoadFixtures.taskFile(dir, "steplist", type, source, target, FullLoadFixtures.PUBLIC_TABLES,
                "  validation:\n    enabled: false\n" + settings);
    }

    private static List<String> steps(String text) {
        Matcher m = STEP.matcher(text);
        List<String> out = new java.util.ArrayList<>();
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
