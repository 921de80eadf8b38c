package dev.godwit.orchestrator.cdc;

import dev.godwit.orchestrator.cli.CliRun;
import dev.godwit.orchestrator.cli.ExitCodes;
import dev.godwit.workers.testkit.PgExtension;
import dev.godwit.workers.testkit.PgLab;
import dev.godwit.workers.testkit.TestDatabase;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(PgExtension.class)
public class CdcIT {
    public static final List<String> TABLES = List.of("accounts", "events", "keyless", "swap_unique");

    @TempDir
    Path dir;

    @ParameterizedTest(name = "PostgreSQL {0} to {1}")
    @CsvSource({"13, 17", "17, 17", "17, 18", "18, 18"})
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void fullLoadUnderLiveWritesThenChangesUntilStoppedAndAfterResume(int sourceMajor, int targetMajor, PgLab lab) throws Exception {
        try {
            runScenario(sourceMajor, targetMajor, lab);
        } catch (AssertionError | Exception e) {
            System.err.println("godwit log:\n" + Godwit.log(dir));
            throw e;
        }
    }

    private void runScenario(int sourceMajor, int targetMajor, PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(sourceMajor);
        TestDatabase target = lab.newDatabase(targetMajor);
        source.execute(SourceWriter.SCHEMA);
        Path task = task(dir, source, target);

        Process godwit;
        try (SourceWriter writer = new SourceWriter(source, 42)) {
            godwit = Godwit.start(dir, "start", task.toString());
            Godwit.awaitLog(dir, Pattern.compile("cdc: streaming slot"), Duration.ofSeconds(120));
            writer.awaitTransactions(300, Duration.ofSeconds(60));
        }
        SourceWriter.mark(source, "first");
        awaitEqual(source, target, Duration.ofSeconds(90));

        assertEquals(ExitCodes.OK, CliRun.of("stop", task.toString()).exitCode());
        assertTrue(godwit.waitFor(60, TimeUnit.SECONDS), "godwit stopped");
        assertEquals(0, godwit.exitValue(), () -> Godwit.log(dir));

        try (SourceWriter writer = new SourceWriter(source, 7)) {
            writer.awaitTransactions(200, Duration.ofSeconds(60));
        }
        SourceWriter.mark(source, "second");
        Process resumed = Godwit.start(dir, "resume", task.toString());
        awaitEqual(source, target, Duration.ofSeconds(90));
        assertEquals(ExitCodes.OK, CliRun.of("stop", task.toString()).exitCode());
        assertTrue(resumed.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, resumed.exitValue(), () -> Godwit.log(dir));
        assertEquals("CDC", target.value("SELECT phase FROM godwit.task"));
        String slotConfirmed = source.value("SELECT confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = 'godwit_cdctest'");
        String checkpoint = target.value("SELECT lsn FROM godwit.checkpoint");
        assertTrue(compareLsn(slotConfirmed, checkpoint) <= 0 || source.value("SELECT count(*) FROM pg_replication_slots").equals("1"),
                "the slot is never confirmed past what the target committed (idle confirms may pass it only with nothing pending)");
    }

    static Path task(Path dir, TestDatabase source, TestDatabase target) throws Exception {
        return CdcTasks.write(dir, "cdctest", source, target, """
                parallelism: 2
                splitThreshold: 512kB
                cdc:
                  heartbeatInterval: 2s
                """);
    }

    /** Polls until every table (and the markers) has the same contents on both sides. */
    public static void awaitEqual(TestDatabase source, TestDatabase target, Duration timeout) throws InterruptedException {
        List<String> tables = new java.util.ArrayList<>(TABLES);
        tables.add("markers");
        awaitEqual(source, target, tables, timeout);
    }

    /** Polls until every one of {@code tables} has the same contents on both sides. */
    public static void awaitEqual(TestDatabase source, TestDatabase target, List<String> tables, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            boolean equal = true;
            for (String t : tables) {
                String s = source.fingerprint(t);
                String g = safeFingerprint(target, t);
                if (!s.equals(g)) {
                    equal = false;
                    last = t + ": source " + s + " target " + g;
                    break;
                }
            }
            if (equal) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("target did not catch up within " + timeout + ": " + last);
    }


    private static String safeFingerprint(TestDatabase db, String table) {
        try {
            return db.fingerprint(table);
        } catch (IllegalStateException e) {
            return "missing";
        }
    }

    private static int compareLsn(String a, String b) {
        return Long.compareUnsigned(dev.godwit.workers.pg.Lsn.parse(a).value(), dev.godwit.workers.pg.Lsn.parse(b).value());
    }
}
