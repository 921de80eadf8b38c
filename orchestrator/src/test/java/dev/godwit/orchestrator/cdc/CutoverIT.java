package dev.godwit.orchestrator.cdc;

import dev.godwit.orchestrator.cli.CliRun;
import dev.godwit.orchestrator.cli.ExitCodes;
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
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Cutovers of a running task on real servers: fenced under live writes, and scheduled across a crash of godwit. */
@ExtendWith(PgExtension.class)
class CutoverIT {
    private static final List<String> TABLES = List.of("accounts", "events", "keyless", "markers");

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();
    private TestDatabase fenced;

    @RegisterExtension
    final LogOnFailure logOnFailure = new LogOnFailure(() -> dir);

    /** The fence stops the writers; the target ends equal to the source's final state, with nothing left behind. */
    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void fencedCutoverUnderLiveWritesLeavesTheTargetEqualToTheSourcesFinalState(PgLab lab) throws Exception {
        Running run = streaming(lab, 13, 17, "fenced");
        TestDatabase source = run.source();
        TestDatabase target = run.target();
        Path task = run.task();
        Process godwit = run.godwit();
        fenced = source;
        SourceWriter writer = new SourceWriter(source, 3);
        writer.awaitTransactions(300, Duration.ofSeconds(60));

        CliRun cutover = CliRun.of("cutover", task.toString(), "--fence");
        writer.closeAfterFence();
        assertEquals(ExitCodes.OK, cutover.exitCode(), cutover + "\n" + Godwit.log(dir));
        assertTrue(cutover.out().contains("Cutover done."), cutover.out());
        assertTrue(godwit.waitFor(60, TimeUnit.SECONDS), "godwit ends after the cutover");
        assertEquals(0, godwit.exitValue(), () -> Godwit.log(dir));

        assertThrows(IllegalStateException.class, () -> source.execute("INSERT INTO markers VALUES ('after the fence')"),
                "the source is read-only after a fenced cutover");
        for (String table : TABLES) {
            assertEquals(source.fingerprint(table), target.fingerprint(table), table);
        }
        assertEquals("CUT_OVER", target.value("SELECT phase FROM godwit.task"));
        assertEquals("done", target.value("SELECT state FROM godwit.cutover"));
        assertEquals("t", target.value("SELECT started_at <= fenced_at AND fenced_at <= finished_at FROM godwit.cutover"),
                "the fence's time is recorded: the application's write downtime");
        assertEquals("0", source.value("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'godwit_fenced'"));
        assertEquals("0", source.value("SELECT count(*) FROM pg_publication WHERE pubname = 'godwit_fenced'"));
        assertEquals(source.value("SELECT last_value FROM events_id_seq"), target.value("SELECT last_value FROM events_id_seq"),
                "sequences are set from the source");
        CliRun status = CliRun.of("status", task.toString());
        assertTrue(status.out().contains("last cutover: done"), status.out());
        assertTrue(status.out().contains("source's writes stopped for "), status.out());
        for (String step : List.of("rows, equal (validation run", "replication slot godwit_fenced dropped",
                "publication godwit_fenced is gone", "to accept writes again")) {
            assertEquals(1, occurrences(Godwit.log(dir), step), () -> "the running godwit shows '" + step + "' once:\n"
                    + Godwit.log(dir));
            assertEquals(1, occurrences(cutover.out(), step), () -> "the waiting command shows '" + step + "' once:\n"
                    + cutover.out());
        }
    }

    private static long occurrences(String text, String part) {
        return Pattern.compile(Pattern.quote(part)).matcher(text).results().count();
    }

    /** With no godwit process running the task, the cutover command claims it, catches up, and cuts over itself. */
    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aCutoverWithNoProcessRunningTheTaskIsPerformedByTheCommand(PgLab lab) throws Exception {
        Running run = streaming(lab, 13, 17, "alone");
        TestDatabase source = run.source();
        TestDatabase target = run.target();
        Path task = run.task();
        Process godwit = run.godwit();
        assertEquals(ExitCodes.OK, CliRun.of("stop", task.toString()).exitCode());
        assertTrue(godwit.waitFor(60, TimeUnit.SECONDS));
        try (SourceWriter writer = new SourceWriter(source, 6)) {
            writer.awaitTransactions(200, Duration.ofSeconds(60)); // a backlog the cutover must apply
        }
        CliRun cutover = CliRun.of("cutover", task.toString());
        assertEquals(ExitCodes.OK, cutover.exitCode(), cutover.toString());
        assertTrue(cutover.out().contains("Cutover of task alone: done."), cutover.out());
        for (String table : TABLES) {
            assertEquals(source.fingerprint(table), target.fingerprint(table), table);
        }
        assertEquals("CUT_OVER", target.value("SELECT phase FROM godwit.task"));
        CliRun again = CliRun.of("cutover", task.toString());
        assertEquals(ExitCodes.BAD_INPUT, again.exitCode(), again.toString());
        assertTrue(again.err().contains("already cut over"), again.toString());
    }

    /**
     * A cutover whose validation finds a difference (a row deleted on the target behind godwit's back) does nothing
     * irreversible: the fence is lifted, the slot stays, and the task goes on streaming changes.
     */
    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void aCutoverWhoseValidationFailsLiftsTheFenceAndLeavesTheTaskStreaming(PgLab lab) throws Exception {
        Running run = streaming(lab, 17, 17, "refused");
        TestDatabase source = run.source();
        TestDatabase target = run.target();
        Path task = run.task();
        Process godwit = run.godwit();
        fenced = source;
        target.execute("DELETE FROM keyless WHERE ctid = (SELECT ctid FROM keyless LIMIT 1)");

        CliRun cutover = CliRun.of("cutover", task.toString(), "--fence");
        assertEquals(ExitCodes.FAILED, cutover.exitCode(), cutover + "\n" + Godwit.log(dir));
        assertTrue(cutover.out().contains("validation"), cutover.out());
        assertTrue(cutover.out().contains("fence: lifted"), cutover.out());

        source.execute("INSERT INTO markers VALUES ('after a failed cutover')"); // writable again
        assertEquals("1", source.value("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'godwit_refused'"));
        assertTrue(godwit.isAlive(), "the task goes on");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!target.value("SELECT count(*) FROM markers").equals("1") && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertEquals("1", target.value("SELECT count(*) FROM markers"), "changes still stream after the failed cutover");
        assertEquals("CDC", target.value("SELECT phase FROM godwit.task"));
        assertEquals("failed", target.value("SELECT state FROM godwit.cutover"));
    }

    /**
     * start → live writes → stop → resume → cutover scheduled a minute ahead → godwit killed and resumed before it
     * fires → the schedule, kept in the control schema, fires in the new process → target equal to the source.
     */
    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void scheduledCutoverFiresAfterGodwitWasKilledAndResumed(PgLab lab) throws Exception {
        Running run = streaming(lab, 17, 17, "scheduled");
        TestDatabase source = run.source();
        TestDatabase target = run.target();
        Path task = run.task();
        try (SourceWriter writer = new SourceWriter(source, 4)) {
            writer.awaitTransactions(200, Duration.ofSeconds(60));
        }
        assertEquals(ExitCodes.OK, CliRun.of("stop", task.toString()).exitCode());
        assertTrue(run.godwit().waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, run.godwit().exitValue(), () -> Godwit.log(dir));

        SourceWriter writer = new SourceWriter(source, 5);
        Process resumed = godwit("resume", task.toString());
        writer.awaitTransactions(200, Duration.ofSeconds(60));

        // a schedule, replaced, cancelled, then the real one
        CliRun later = CliRun.of("cutover", task.toString(), "--at", Instant.now().plus(1, ChronoUnit.HOURS).toString());
        assertEquals(ExitCodes.OK, later.exitCode(), later.toString());
        CliRun cron = CliRun.of("cutover", task.toString(), "--cron", "0 0 2 * * ?");
        assertEquals(ExitCodes.OK, cron.exitCode(), cron.toString());
        assertTrue(CliRun.of("status", task.toString()).out().contains("(cron 0 0 2 * * ?)"));
        CliRun cancel = CliRun.of("cutover", task.toString(), "--cancel");
        assertTrue(cancel.out().contains("is removed"), cancel.out());
        assertFalse(CliRun.of("status", task.toString()).out().contains("cutover scheduled"));
        Instant at = Instant.now().plus(60, ChronoUnit.SECONDS).truncatedTo(ChronoUnit.SECONDS);
        CliRun scheduled = CliRun.of("cutover", task.toString(), "--at", at.toString());
        assertEquals(ExitCodes.OK, scheduled.exitCode(), scheduled.toString());
        CliRun status = CliRun.of("status", task.toString(), "--json");
        assertTrue(status.out().contains("\"at\" : \"" + at + "\""), status.out());

        resumed.destroyForcibly(); // kill -9 before the cutover fires
        assertTrue(resumed.waitFor(30, TimeUnit.SECONDS));
        Process afterCrash = godwit("resume", task.toString());
        writer.awaitTransactions(writer.transactions() + 100, Duration.ofSeconds(60)); // writes while it resumes
        writer.close(); // the application stops writing before the cutover (no fence in this test)
        SourceWriter.mark(source, "last");

        assertTrue(afterCrash.waitFor(150, TimeUnit.SECONDS), "the scheduled cutover ends the resumed run");
        assertEquals(0, afterCrash.exitValue(), () -> Godwit.log(dir));
        assertTrue(Instant.now().isAfter(at), "not before its time");
        for (String table : TABLES) {
            assertEquals(source.fingerprint(table), target.fingerprint(table), table);
        }
        assertEquals("CUT_OVER", target.value("SELECT phase FROM godwit.task"));
        assertEquals("schedule", target.value("SELECT requested_by FROM godwit.cutover WHERE state = 'done'"));
        assertEquals("0", source.value("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'godwit_scheduled'"));
        assertFalse(CliRun.of("status", task.toString()).out().contains("cutover scheduled"), "the schedule is gone");
        CliRun validate = CliRun.of("validate", "--content", task.toString());
        assertEquals(ExitCodes.OK, validate.exitCode(), validate.toString());
    }

    private record Running(TestDatabase source, TestDatabase target, Path task, Process godwit) {
    }

    /** A full-load-and-cdc task started on the sample schema, once it streams changes. */
    private Running streaming(PgLab lab, int sourceMajor, int targetMajor, String name) throws Exception {
        TestDatabase source = lab.newDatabase(sourceMajor);
        TestDatabase target = lab.newDatabase(targetMajor);
        source.execute(SourceWriter.SCHEMA);
        Path task = task(source, target, name);
        Process godwit = godwit("start", task.toString());
        Godwit.awaitLog(dir, Pattern.compile("cdc: streaming slot"), Duration.ofSeconds(120));
        return new Running(source, target, task, godwit);
    }

    private Process godwit(String... args) throws IOException {
        Process p = Godwit.start(dir, args);
        processes.add(p);
        return p;
    }

    @AfterEach
    void stopGodwitAndLiftTheFence() {
        processes.forEach(Process::destroyForcibly);
        if (fenced != null) {
            fenced.execute("SET default_transaction_read_only = off",
                    "ALTER DATABASE " + fenced.name() + " RESET default_transaction_read_only");
        }
    }

    private Path task(TestDatabase source, TestDatabase target, String name) throws Exception {
        return CdcTasks.write(dir, name, source, target, """
                parallelism: 2
                cdc:
                  heartbeatInterval: 2s
                """);
    }
}
