package dev.godwit.orchestrator.cdc;

import dev.godwit.mappings.task.Task;
import dev.godwit.mappings.task.TaskLoader;
import dev.godwit.orchestrator.cli.CliRun;
import dev.godwit.orchestrator.cli.ExitCodes;
import dev.godwit.orchestrator.cutover.CutoverSchedule;
import dev.godwit.orchestrator.state.ControlSchema;
import dev.godwit.workers.pg.PgConnector;
import dev.godwit.workers.testkit.PgExtension;
import dev.godwit.workers.testkit.PgLab;
import dev.godwit.workers.testkit.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code cutover.notAfter}: a scheduled cutover whose time passed while no godwit process ran is refused on resume
 * when its window has passed too (a time given by --at is then removed, a cron schedule kept for its next time), and
 * performed when it has not. The scheduled times are hours and minutes in the
 * past, far from the one-hour window's edge, so the machine's load cannot move the verdict.
 */
@ExtendWith(PgExtension.class)
class CutoverWindowIT {
    private static final List<String> TABLES = List.of("accounts", "events", "keyless", "markers");

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();

    @RegisterExtension
    final LogOnFailure logOnFailure = new LogOnFailure(() -> dir);

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void aMissedCutoverPastItsWindowIsRefusedAndOneWithinItIsPerformed(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(17);
        TestDatabase target = lab.newDatabase(17);
        source.execute(SourceWriter.SCHEMA);
        Path file = CdcTasks.write(dir, "window", source, target, """
                parallelism: 2
                cdc:
                  heartbeatInterval: 2s
                cutover:
                  notAfter: 1h
                """);
        Task task = new TaskLoader().load(file);
        Process started = godwit("start", file.toString());
        Godwit.awaitLog(dir, Pattern.compile("cdc: streaming slot"), Duration.ofSeconds(120));
        stop(file, started);

        // due three hours ago, fenced: the window of one hour ended two hours ago
        Instant missed = Instant.now().minus(Duration.ofHours(3)).truncatedTo(ChronoUnit.MILLIS); // as Quartz keeps it
        schedule(task, missed, true);
        Process refusing = godwit("resume", file.toString());
        awaitValue(target, "SELECT count(*) FROM godwit.cutover WHERE state = 'failed'", "1", Duration.ofSeconds(120));
        SourceWriter.mark(source, "after the refusal"); // a fence would have made the source read-only
        awaitValue(target, "SELECT count(*) FROM markers WHERE name = 'after the refusal'", "1", Duration.ofSeconds(60));
        assertTrue(refusing.isAlive(), "changes keep streaming");
        assertEquals("CDC", target.value("SELECT phase FROM godwit.task"));
        assertEquals("schedule", target.value("SELECT requested_by FROM godwit.cutover"));
        assertEquals("0", target.value("SELECT count(*) FROM godwit.cutover WHERE state <> 'failed'"), "nothing was asked");
        String event = target.value("SELECT message FROM godwit.event WHERE level = 'ERROR' AND step = 'cutover'");
        assertTrue(event.contains("due at " + missed) && event.contains("cutover.notAfter 1h")
                && event.contains("'godwit cutover " + file + " --at TIME'"), event);
        CliRun status = CliRun.of("status", file.toString());
        assertTrue(status.out().contains("last cutover: failed (schedule") && status.out().contains("window (cutover.notAfter"
                + " 1h) passed at " + missed.plus(Duration.ofHours(1))), status.out());
        assertFalse(status.out().contains("cutover scheduled"), "the missed time is removed: " + status.out());
        stop(file, refusing);

        // a cron schedule missed three hours ago, none of whose times falls within the last hour: refused, and kept
        String cron = "0 0 " + LocalDateTime.now().plusHours(12).getHour() + " * * ?";
        try (CutoverSchedule schedule = open(task)) {
            schedule.cron(cron, false);
        }
        target.execute("UPDATE godwit.qrtz_triggers SET next_fire_time = " + missed.toEpochMilli()
                + " WHERE trigger_group = 'window'");
        Process refusingCron = godwit("resume", file.toString());
        awaitValue(target, "SELECT count(*) FROM godwit.cutover WHERE state = 'failed'", "2", Duration.ofSeconds(120));
        SourceWriter.mark(source, "after the cron refusal");
        awaitValue(target, "SELECT count(*) FROM markers WHERE name = 'after the cron refusal'", "1", Duration.ofSeconds(60));
        assertEquals("CDC", target.value("SELECT phase FROM godwit.task"));
        String cronEvent = target.value("SELECT message FROM godwit.event WHERE level = 'ERROR' AND step = 'cutover'"
                + " ORDER BY id DESC LIMIT 1");
        assertTrue(cronEvent.contains("due at " + missed) && cronEvent.contains("the cron schedule stays and fires next at"),
                cronEvent);
        assertTrue(CliRun.of("status", file.toString()).out().contains("(cron " + cron + ")"), "the cron schedule stays");
        try (CutoverSchedule schedule = open(task)) {
            assertTrue(schedule.next().orElseThrow().at().isAfter(Instant.now()), "for its next time");
            schedule.cancel();
        }
        stop(file, refusingCron);

        // due five minutes ago, within the window: the resume performs it
        schedule(task, Instant.now().minus(Duration.ofMinutes(5)), false);
        Process performing = godwit("resume", file.toString());
        assertTrue(performing.waitFor(150, TimeUnit.SECONDS), "the scheduled cutover ends the resumed run");
        assertEquals(0, performing.exitValue(), () -> Godwit.log(dir));
        assertEquals("CUT_OVER", target.value("SELECT phase FROM godwit.task"));
        assertEquals("schedule", target.value("SELECT requested_by FROM godwit.cutover WHERE state = 'done'"));
        for (String table : TABLES) {
            assertEquals(source.fingerprint(table), target.fingerprint(table), table);
        }
    }

    /** Writes a schedule as {@code godwit cutover --at} would, but in the past, as if no process had run since. */
    private static void schedule(Task task, Instant at, boolean fence) throws Exception {
        try (CutoverSchedule schedule = open(task)) {
            schedule.at(at, fence);
        }
    }

    private static CutoverSchedule open(Task task) throws Exception {
        ControlSchema control = new ControlSchema(task.settings().controlSchema());
        return CutoverSchedule.open(task.name(), control, new PgConnector("target", task.target()));
    }

    private static void stop(Path file, Process godwit) throws InterruptedException {
        assertEquals(ExitCodes.OK, CliRun.of("stop", file.toString()).exitCode());
        assertTrue(godwit.waitFor(60, TimeUnit.SECONDS), "stopped");
        assertEquals(0, godwit.exitValue());
    }

    private static void awaitValue(TestDatabase db, String sql, String expected, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = db.value(sql);
        while (!expected.equals(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(sql + " gave " + last + ", not " + expected + ", within " + timeout);
            }
            Thread.sleep(200);
            last = db.value(sql);
        }
    }

    private Process godwit(String... args) throws IOException {
        Process p = Godwit.start(dir, args);
        processes.add(p);
        return p;
    }

    @AfterEach
    void stopGodwit() {
        processes.forEach(Process::destroyForcibly);
    }
}
