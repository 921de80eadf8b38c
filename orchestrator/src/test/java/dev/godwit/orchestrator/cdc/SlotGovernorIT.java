package dev.godwit.orchestrator.cdc;

import dev.godwit.orchestrator.cli.CliRun;
import dev.godwit.orchestrator.cli.ExitCodes;
import dev.godwit.workers.testkit.PgExtension;
import dev.godwit.workers.testkit.PgLab;
import dev.godwit.workers.testkit.PgServer;
import dev.godwit.workers.testkit.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The slot governor against real servers: a slot over the task's WAL budget is reported, then the {@code stop} policy
 * ends the run and drops the slot; a slot the source invalidates while godwit lags behind a blocked apply is reported
 * as an error within seconds, before the stalled stream could notice; both runs end with exit code 6 and
 * {@code godwit status} says why and how to start again.
 */
@ExtendWith(PgExtension.class)
class SlotGovernorIT {
    private static final Pattern STREAMING = Pattern.compile("cdc: streaming slot");
    private static final long MB = 1L << 20;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void aSlotOverItsBudgetIsReportedThenTheStopPolicyEndsTheRunAndDropsTheSlot(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(17);
        TestDatabase target = lab.newDatabase(17);
        source.execute("CREATE TABLE items (id int PRIMARY KEY, doc text NOT NULL)", "INSERT INTO items VALUES (1, 'a')");
        Path task = CdcTasks.write(dir, "budget", source, target, """
                validation:
                  enabled: false
                slot:
                  maxRetainedWal: 40MB
                  onBudget: stop
                """);
        Process godwit = Godwit.start(dir, "start", task.toString());
        try {
            Godwit.awaitLog(dir, STREAMING, Duration.ofSeconds(120));
            assertEquals(ExitCodes.OK, CliRun.of("stop", task.toString()).exitCode());
            assertTrue(godwit.waitFor(60, TimeUnit.SECONDS), "the run stops");
        } finally {
            godwit.destroyForcibly();
        }
        assertEquals("", slotEvents(target), "a slot well within its budget is not reported");

        // a burst of writes while godwit is stopped: each WAL switch moves the write position to the next 16 MB segment
        while (retained(source, "godwit_budget") <= 48 * MB) {
            source.execute("INSERT INTO items SELECT max(id) + 1, 'burst' FROM items", "SELECT pg_switch_wal()");
        }
        Process resumed = Godwit.start(dir, "resume", task.toString());
        try {
            assertTrue(resumed.waitFor(120, TimeUnit.SECONDS), "the governor ends the run");
            assertEquals(ExitCodes.SLOT_LOST, resumed.exitValue(), () -> Godwit.log(dir));
        } finally {
            resumed.destroyForcibly();
        }

        String events = slotEvents(target);
        assertTrue(Pattern.compile("(?s)WARN: replication slot godwit_budget retains \\d+ MB of WAL, more than the task's"
                + " budget of 40 MB \\(settings.slot.maxRetainedWal, onBudget: stop\\)\n"
                + "ERROR: replication slot godwit_budget retains .* the run stops and drops the slot, so that the source"
                + " keeps no more WAL for it. The target must be loaded again: godwit cleanup --all .*task.yaml, then"
                + " godwit start .*task.yaml\n"
                + "INFO: source: replication slot godwit_budget dropped \\(settings.slot.onBudget stop\\)").matcher(events)
                .find(), events);
        assertEquals("0", source.value("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'godwit_budget'"));
        assertTrue(Godwit.log(dir).contains("slot governor: replication slot godwit_budget retains"), Godwit.log(dir));
        CliRun status = CliRun.of("status", task.toString());
        assertTrue(Pattern.compile("LAST RUN .*ended by an error \\(slot lost\\): replication slot godwit_budget retains"
                + " .*more than the task's budget of 40 MB.*godwit cleanup --all .*then godwit start ")
                .matcher(status.out()).find(), status.out());
        assertTrue(!status.out().contains("godwit resume"), "a task without its slot cannot be resumed:\n" + status.out());

        // the advice holds: cleaned up and started again, the task streams anew
        assertEquals(ExitCodes.OK, CliRun.of("cleanup", "--all", task.toString()).exitCode());
        Process again = Godwit.start(dir, "start", task.toString());
        try {
            Godwit.awaitLogCount(dir, STREAMING, 3, Duration.ofSeconds(120));
            assertEquals(ExitCodes.OK, CliRun.of("stop", task.toString()).exitCode());
            assertTrue(again.waitFor(60, TimeUnit.SECONDS));
        } finally {
            again.destroyForcibly();
        }
    }

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void aSlotTheSourceInvalidatesWhileTheApplyIsStuckIsAnErrorWithinSeconds(PgLab lab) throws Exception {
        PgServer sourceServer = lab.dedicatedServer(17, Map.of("max_slot_wal_keep_size", "48MB"), List.of());
        TestDatabase source = lab.newDatabase(sourceServer);
        TestDatabase target = lab.newDatabase(17);
        source.execute("CREATE TABLE items (id int PRIMARY KEY, doc text NOT NULL)", "INSERT INTO items VALUES (1, 'a')");
        Path task = CdcTasks.write(dir, "lost", source, target, "validation:\n  enabled: false\n");
        Process godwit = Godwit.start(dir, "start", task.toString());
        try {
            Godwit.awaitLog(dir, STREAMING, Duration.ofSeconds(120));
            try (Connection lock = target.connect(); Statement s = lock.createStatement()) {
                // godwit falls behind: its next change waits for a lock on the target, so the slot cannot advance
                lock.setAutoCommit(false);
                s.execute("LOCK TABLE items IN ACCESS EXCLUSIVE MODE");
                source.execute("INSERT INTO items VALUES (2, 'stuck')");
                awaitLockWaiter(target);
                while (!"lost".equals(walStatus(source, "godwit_lost"))) {
                    source.execute("INSERT INTO items SELECT max(id) + 1, 'burst' FROM items", "SELECT pg_switch_wal()",
                            "CHECKPOINT");
                }
                long lostAt = System.nanoTime();
                awaitSlotError(target, Duration.ofSeconds(20));
                long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - lostAt);
                assertTrue(godwit.isAlive(), "the error is recorded while the apply is still stuck");
                assertTrue(seconds < 20, "reported " + seconds + " s after the slot was lost");
                lock.rollback();
            }
            assertTrue(godwit.waitFor(120, TimeUnit.SECONDS), "the run ends once the apply is free");
            assertEquals(ExitCodes.SLOT_LOST, godwit.exitValue(), () -> Godwit.log(dir));
        } finally {
            godwit.destroyForcibly();
        }
        String events = slotEvents(target);
        assertTrue(events.contains("ERROR: replication slot godwit_lost was invalidated by the source (wal_status lost:"
                + " it retained more WAL than max_slot_wal_keep_size = 48 MB allows): the changes since the target's"
                + " checkpoint cannot be streamed. The target must be loaded again: godwit cleanup --all "), events);
        CliRun status = CliRun.of("status", task.toString());
        assertTrue(Pattern.compile("LAST RUN .*ended by an error \\(slot lost\\): replication slot godwit_lost was"
                + " invalidated by the source .*godwit cleanup --all .*then godwit start ").matcher(status.out()).find(),
                status.out());
    }

    /**
     * A full load stopped part way, then the source writes more WAL than the budget while the task is stopped: the
     * resumed run (onBudget pause-load) reaches the full-load step but takes no unit, and stops cleanly when asked;
     * with the budget raised in the task file the next resume finishes the load and streams.
     */
    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void overTheBudgetPauseLoadTakesNoNewUnitUntilTheBudgetAllowsIt(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(17);
        TestDatabase target = lab.newDatabase(17);
        source.execute("CREATE TABLE big (id int PRIMARY KEY, pad text NOT NULL)",
                "INSERT INTO big SELECT g, repeat('x', 100) FROM generate_series(1, 200000) g", "ANALYZE big");
        String settings = """
                parallelism: 1
                splitThreshold: 64kB
                validation:
                  enabled: false
                slot:
                  maxRetainedWal: 40MB
                  onBudget: pause-load
                """;
        Path task = CdcTasks.write(dir, "pause", source, target, settings);
        Process godwit = Godwit.start(dir, "start", task.toString());
        try {
            awaitUnitsDone(target, 1);
            try (Connection blocker = target.connect()) {
                // no unit ends while the stop is asked for: the run stops part way, however fast the machine
                blocker.setAutoCommit(false);
                try (Statement st = blocker.createStatement()) {
                    st.execute("LOCK TABLE big IN SHARE MODE");
                }
                assertEquals(ExitCodes.OK, CliRun.of("stop", task.toString()).exitCode());
                Godwit.awaitLog(dir, Pattern.compile("stop requested"), Duration.ofSeconds(60));
            }
            assertTrue(godwit.waitFor(60, TimeUnit.SECONDS), "the run stops");
            assertEquals(ExitCodes.OK, godwit.exitValue(), () -> Godwit.log(dir));
        } finally {
            godwit.destroyForcibly();
        }
        assertTrue(Long.parseLong(target.value("SELECT count(*) FROM godwit.unit WHERE state <> 'done'")) > 0,
                "the load was stopped part way");

        while (retained(source, "godwit_pause") <= 48 * MB) {
            source.execute("INSERT INTO big SELECT max(id) + 1, 'burst' FROM big", "SELECT pg_switch_wal()");
        }
        Process paused = Godwit.start(dir, "resume", task.toString());
        try {
            Godwit.awaitLog(dir, Pattern.compile("slot governor: the full load takes no new unit"), Duration.ofSeconds(60));
            Godwit.awaitLogCount(dir, Pattern.compile("full load: \\d+ units, 1 at a time"), 2, Duration.ofSeconds(60));
            assertEquals(ExitCodes.OK, CliRun.of("stop", task.toString()).exitCode());
            assertTrue(paused.waitFor(60, TimeUnit.SECONDS), "a paused load stops when asked");
            assertEquals(ExitCodes.OK, paused.exitValue(), () -> Godwit.log(dir));
        } finally {
            paused.destroyForcibly();
        }
        // the resume copies the part-copied table again under a new snapshot: its units start over, and none was taken
        assertEquals("0", unitsDone(target), "no unit was taken while the load was paused");
        String events = slotEvents(target);
        assertTrue(events.contains("WARN: the full load takes no new unit until the slot retains less than the budget"
                + " again (onBudget pause-load)"), events);

        CdcTasks.write(dir, "pause", source, target, settings.replace("40MB", "1GB"));
        Process resumed = Godwit.start(dir, "resume", task.toString());
        try {
            Godwit.awaitLogCount(dir, STREAMING, 1, Duration.ofSeconds(180));
            assertEquals("0", target.value("SELECT count(*) FROM godwit.unit WHERE state <> 'done'"));
            assertEquals(ExitCodes.OK, CliRun.of("stop", task.toString()).exitCode());
            assertTrue(resumed.waitFor(60, TimeUnit.SECONDS));
        } finally {
            resumed.destroyForcibly();
        }
    }

    /** The cutover drops the slot on purpose: the governor stands down and the run ends well, with no slot event. */
    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void aCutoverThatDropsTheSlotIsNotTakenForALostSlot(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(17);
        TestDatabase target = lab.newDatabase(17);
        source.execute("CREATE TABLE items (id int PRIMARY KEY, doc text NOT NULL)", "INSERT INTO items VALUES (1, 'a')");
        Path task = CdcTasks.write(dir, "cut", source, target, """
                validation:
                  enabled: false
                slot:
                  maxRetainedWal: 1GB
                  onBudget: stop
                """);
        Process godwit = Godwit.start(dir, "start", task.toString());
        try {
            Godwit.awaitLog(dir, STREAMING, Duration.ofSeconds(120));
            CliRun cutover = CliRun.of("cutover", task.toString());
            assertEquals(ExitCodes.OK, cutover.exitCode(), cutover + "\n" + Godwit.log(dir));
            assertTrue(godwit.waitFor(60, TimeUnit.SECONDS), "godwit ends after the cutover");
            assertEquals(ExitCodes.OK, godwit.exitValue(), () -> Godwit.log(dir));
        } finally {
            godwit.destroyForcibly();
        }
        assertEquals("0", source.value("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'godwit_cut'"));
        assertEquals("", slotEvents(target));
        assertTrue(!Godwit.log(dir).contains("slot governor"), Godwit.log(dir));
    }

    private static String unitsDone(TestDatabase target) {
        return target.value("SELECT count(*) FROM godwit.unit WHERE state = 'done'");
    }

    private static void awaitUnitsDone(TestDatabase target, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            try {
                if (Long.parseLong(unitsDone(target)) >= count) {
                    return;
                }
            } catch (IllegalStateException e) {
                // the control schema is not there yet
            }
            assertTrue(System.nanoTime() < deadline, "no unit was copied");
            Thread.sleep(50);
        }
    }

    private static String slotEvents(TestDatabase target) {
        return target.value("SELECT coalesce(string_agg(level || ': ' || message, E'\\n' ORDER BY id), '')"
                + " FROM godwit.event WHERE step = 'slot'");
    }

    private static long retained(TestDatabase source, String slot) {
        return Long.parseLong(source.value("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint"
                + " FROM pg_replication_slots WHERE slot_name = '" + slot + "'"));
    }

    private static String walStatus(TestDatabase source, String slot) {
        return source.value("SELECT wal_status FROM pg_replication_slots WHERE slot_name = '" + slot + "'");
    }

    private static void awaitLockWaiter(TestDatabase target) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (target.value("SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'items'::regclass"
                + " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")
                .equals("0")) {
            assertTrue(System.nanoTime() < deadline, "godwit's apply never waited for the lock");
            Thread.sleep(100);
        }
    }

    private static void awaitSlotError(TestDatabase target, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (target.value("SELECT count(*) FROM godwit.event WHERE step = 'slot' AND level = 'ERROR'").equals("0")) {
            assertTrue(System.nanoTime() < deadline, "no error event within " + timeout + ": " + slotEvents(target));
            Thread.sleep(100);
        }
    }
}
