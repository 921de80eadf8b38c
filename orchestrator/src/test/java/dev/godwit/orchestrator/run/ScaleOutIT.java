package dev.godwit.orchestrator.run;

import dev.godwit.orchestrator.cdc.SourceWriter;
import dev.godwit.orchestrator.cli.CliRun;
import dev.godwit.workers.testkit.PgExtension;
import dev.godwit.workers.testkit.PgLab;
import dev.godwit.workers.testkit.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static dev.godwit.orchestrator.run.ClusterProcesses.await;
import static dev.godwit.orchestrator.run.ClusterProcesses.pid;
import static dev.godwit.orchestrator.run.ClusterProcesses.signal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A coordinator and three 'godwit worker' processes (separate JVMs, as on separate hosts) copy a source of many units
 * while it is written to: every unit is done once, every table ends equal. Then the same with one worker killed -9
 * in the middle of its units and another stalled (SIGSTOP) until its units were copied again elsewhere: its late commit
 * is refused, and nothing is lost or copied twice.
 */
@ExtendWith(PgExtension.class)
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class ScaleOutIT {
    private static final String BIG = "CREATE TABLE big (id bigint PRIMARY KEY, v text);"
            + "INSERT INTO big SELECT g, md5(g::text) || md5((g * 7)::text) FROM generate_series(1, 150000) g; ANALYZE big;";
    private static final List<String> TABLES = List.of("accounts", "events", "keyless", "swap_unique", "big");

    @TempDir
    Path dir;

    @Test
    void threeWorkerProcessesCopyEveryUnitOnceUnderLiveWrites(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(17);
        TestDatabase target = lab.newDatabase(17);
        source.execute(SourceWriter.SCHEMA, BIG);
        Path task = task(source, target);
        List<GodwitProcess> workers = new ArrayList<>();
        try (SourceWriter writer = new SourceWriter(source, 1)) {
            writer.awaitTransactions(20, Duration.ofSeconds(60));
            GodwitProcess coordinator = GodwitProcess.start(null, 0, "start", task.toString(),
                    "--workers", "external", "--coordinator-threads", "0");
            awaitTaskRecorded(target, coordinator);
            for (int i = 0; i < 3; i++) {
                workers.add(GodwitProcess.start(null, 0, "worker", task.toString(), "--threads", "2"));
            }
            awaitLoaded(target, coordinator);
            writer.awaitTransactions(writer.transactions() + 20, Duration.ofSeconds(60));
            writer.close();
            assertEqualAfterCatchUp(source, target, task, coordinator);
            for (GodwitProcess w : workers) {
                assertEquals(0, w.waitFor(120), w::output);
                assertTrue(w.output().contains("joined task"), w::output);
            }
        }
        assertEveryUnitDoneOnce(source, target);
    }

    @Test
    void aKilledAndAStalledWorkerLoseNothingAndTheStalledOnesLateCommitIsRefused(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(17);
        TestDatabase target = lab.newDatabase(17);
        source.execute(SourceWriter.SCHEMA, BIG);
        Path task = task(source, target);
        List<GodwitProcess> workers = new ArrayList<>();
        try (SourceWriter writer = new SourceWriter(source, 2);
             Connection blocker = target.connect()) {
            writer.awaitTransactions(20, Duration.ofSeconds(60));
            GodwitProcess coordinator = GodwitProcess.start(null, 0, "start", task.toString(),
                    "--workers", "external", "--coordinator-threads", "0");
            awaitTaskRecorded(target, coordinator);
            // the coordinator copies nothing itself: no unit of big is copied before the workers come, and then each
            // one waits for this lock inside its target transaction, its lease taken
            await(() -> target.value("SELECT to_regclass('public.big') IS NOT NULL").equals("t")
                    && target.value("SELECT phase = 'FULL_LOAD' FROM godwit.task").equals("t"), coordinator,
                    "the copy to begin");
            blocker.setAutoCommit(false);
            try (Statement s = blocker.createStatement()) {
                s.execute("LOCK TABLE big IN SHARE MODE");
            }
            for (int i = 0; i < 3; i++) {
                workers.add(GodwitProcess.start(null, 0, "worker", task.toString(), "--threads", "2"));
            }
            await(() -> {
                long holders = Long.parseLong(target.value("SELECT count(DISTINCT owner) FROM godwit.unit"
                        + " WHERE table_key = 'public.big' AND state = 'pending' AND owner IS NOT NULL"));
                long held = Long.parseLong(target.value("SELECT count(*) FROM godwit.unit"
                        + " WHERE table_key = 'public.big' AND state = 'pending' AND owner IS NOT NULL"));
                long waiting = Long.parseLong(target.value("SELECT count(*) FROM pg_stat_activity"
                        + " WHERE wait_event_type = 'Lock' AND query LIKE 'COPY \"public\".\"big\"%'"));
                return holders >= 2 && waiting >= held;
            }, coordinator, "two workers to wait in the middle of units of big", () -> target.column(
                    "SELECT unit_id || ' ' || state || ' ' || coalesce(owner, '-') FROM godwit.unit ORDER BY ordinal")
                    + "\n" + target.column("SELECT coalesce(wait_event_type, '-') || ' ' || query FROM pg_stat_activity"
                    + " WHERE query LIKE 'COPY%'") + "\n" + workers.get(0).output());
            List<String> owners = target.column("SELECT DISTINCT owner FROM godwit.unit WHERE table_key = 'public.big'"
                    + " AND state = 'pending' AND owner IS NOT NULL ORDER BY owner");
            String killed = owners.get(0);
            String stalled = owners.get(1);
            GodwitProcess stalledProcess = workers.stream().filter(w -> w.pid() == pid(stalled)).findFirst().orElseThrow();
            List<String> stalledUnits = target.column("SELECT unit_id || ' ' || epoch FROM godwit.unit"
                    + " WHERE owner = '" + stalled + "' AND state = 'pending'");
            signal("KILL", pid(killed));
            signal("STOP", pid(stalled));
            long stoppedAt = System.nanoTime();
            blocker.commit();

            // the stalled worker's units are copied again by another process under a later epoch
            await(() -> stalledUnits.stream().allMatch(u -> {
                String[] idEpoch = u.split(" ");
                return target.value("SELECT state = 'done' AND epoch > " + idEpoch[1] + " AND owner <> '" + stalled
                        + "' FROM godwit.unit WHERE unit_id = '" + idEpoch[0] + "'").equals("t");
            }), coordinator, "the stalled worker's units to be copied elsewhere");
            System.out.printf("fail-over: the stalled worker's %d unit(s) committed elsewhere %d ms after SIGSTOP%n",
                    stalledUnits.size(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stoppedAt));
            // status names every process; the killed one is silent past its lease
            await(() -> {
                String status = CliRun.of("status", task.toString()).out();
                return status.contains("(coordinator)") && status.lines().anyMatch(l -> l.contains(killed)
                        && l.contains("SILENT"));
            }, coordinator, "status to show the killed worker silent", () -> CliRun.of("status", task.toString()).out());
            signal("CONT", pid(stalled));
            assertTrue(stalledProcess.awaitLine(Pattern.compile("late duplicate refused"), 120),
                    stalledProcess::output);

            awaitLoaded(target, coordinator);
            assertEquals("0", target.value("SELECT count(*) FROM godwit.worker WHERE worker_id = '" + killed + "'"),
                    "the coordinator forgot the dead worker at the end of the copy");
            writer.awaitTransactions(writer.transactions() + 20, Duration.ofSeconds(60));
            writer.close();
            assertEqualAfterCatchUp(source, target, task, coordinator);
            for (GodwitProcess w : workers) {
                if (w.pid() != pid(killed)) {
                    assertEquals(0, w.waitFor(120), w::output);
                }
            }
        } finally {
            workers.forEach(GodwitProcess::destroy);
        }
        assertEveryUnitDoneOnce(source, target);
    }

    @Test
    void aCoordinatorKilledDuringTheSpreadLoadIsResumedFromAnotherDirectoryToAnEqualCopy(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(17);
        TestDatabase target = lab.newDatabase(17);
        source.execute(SourceWriter.SCHEMA, BIG);
        Path task = task(source, target);
        List<GodwitProcess> workers = new ArrayList<>();
        try (SourceWriter writer = new SourceWriter(source, 3)) {
            writer.awaitTransactions(20, Duration.ofSeconds(60));
            GodwitProcess first = GodwitProcess.start(null, 0, "start", task.toString(),
                    "--workers", "external", "--coordinator-threads", "1");
            awaitTaskRecorded(target, first);
            for (int i = 0; i < 2; i++) {
                workers.add(GodwitProcess.start(null, 0, "worker", task.toString(), "--threads", "1"));
            }
            await(() -> Long.parseLong(target.value("SELECT count(*) FROM godwit.unit WHERE state = 'done'")) >= 5,
                    first, "five units to be done");
            signal("KILL", first.pid());
            first.waitFor(60);
            assertTrue(target.value("SELECT count(*) FROM godwit.unit WHERE state <> 'done'").compareTo("0") > 0,
                    "the load was interrupted");

            Path elsewhere = java.nio.file.Files.createDirectory(dir.resolve("elsewhere"));
            java.nio.file.Files.copy(dir.resolve("mappings.json"), elsewhere.resolve("mappings.json"));
            Path moved = java.nio.file.Files.copy(task, elsewhere.resolve("task.yaml"));
            GodwitProcess resumed = GodwitProcess.startIn(elsewhere, "resume", "task.yaml",
                    "--workers", "external", "--coordinator-threads", "1");
            await(() -> target.value("SELECT phase IN ('FULL_LOAD_DONE', 'CDC') FROM godwit.task").equals("t"), resumed,
                    "the resumed full load to end", () -> workers.get(0).output() + "\n" + workers.get(1).output());
            writer.awaitTransactions(writer.transactions() + 20, Duration.ofSeconds(60));
            writer.close();
            assertEqualAfterCatchUp(source, target, moved, resumed);
            for (GodwitProcess w : workers) {
                assertEquals(0, w.waitFor(120), w::output);
            }
        } finally {
            workers.forEach(GodwitProcess::destroy);
        }
        assertEveryUnitDoneOnce(source, target);
    }

    /**
     * The slot governor's pause-load holds a spread load too: a resume over the WAL budget hands the units out, but no
     * process takes one; with the budget raised, the next resume copies them all through a worker.
     */
    @Test
    void aSpreadLoadOverTheSlotBudgetTakesNoUnitWhilePaused(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(17);
        TestDatabase target = lab.newDatabase(17);
        source.execute(BIG);
        String settings = "parallelism: 1\nsplitThreshold: 128kB\nvalidation:\n  enabled: false\n"
                + "slot:\n  maxRetainedWal: 40MB\n  onBudget: pause-load";
        Path task = FullLoadFixtures.taskFile(dir, "paused", "full-load-and-cdc", source, target,
                FullLoadFixtures.PUBLIC_TABLES, settings);
        GodwitProcess first = GodwitProcess.start(null, 0, "start", task.toString());
        await(() -> target.value("SELECT to_regclass('godwit.unit') IS NOT NULL").equals("t")
                && Long.parseLong(target.value("SELECT count(*) FROM godwit.unit WHERE state = 'done'")) >= 1,
                first, "a unit to be done");
        try (Connection blocker = target.connect()) {
            // no unit ends while the stop is asked for: the run stops part way
            blocker.setAutoCommit(false);
            try (Statement st = blocker.createStatement()) {
                st.execute("LOCK TABLE big IN SHARE MODE");
            }
            assertEquals(0, CliRun.of("stop", task.toString()).exitCode());
            assertTrue(first.awaitLine(Pattern.compile("stop requested"), 60), first::output);
        }
        assertEquals(0, first.waitFor(60), first::output);
        assertTrue(Long.parseLong(target.value("SELECT count(*) FROM godwit.unit WHERE state <> 'done'")) > 0,
                "the load was stopped part way");
        while (Long.parseLong(source.value("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint"
                + " FROM pg_replication_slots WHERE slot_name = 'godwit_paused'")) <= 48L << 20) {
            source.execute("INSERT INTO big SELECT max(id) + 1, 'burst' FROM big", "SELECT pg_switch_wal()");
        }
        // the coordinator copies nothing itself: else its own node may take every unit's job (and end it untaken)
        // before the worker has started, and the worker would see none
        GodwitProcess paused = GodwitProcess.start(null, 0, "resume", task.toString(), "--workers", "external",
                "--coordinator-threads", "0");
        GodwitProcess worker = null;
        try {
            assertTrue(paused.awaitLine(Pattern.compile("units handed to the workers .*the load is paused"), 120),
                    paused::output);
            worker = GodwitProcess.start(null, 0, "worker", task.toString(), "--threads", "2");
            // the worker's jobs come up and end without taking their units
            assertTrue(worker.awaitLine(Pattern.compile("not taken: it is pending under another snapshot"), 120),
                    worker::output);
            assertEquals(0, CliRun.of("stop", task.toString()).exitCode());
            assertEquals(0, paused.waitFor(60), paused::output);
            assertEquals("0", target.value("SELECT count(*) FROM godwit.unit WHERE state = 'done'"),
                    "no unit was taken while the load was paused");

            FullLoadFixtures.taskFile(dir, "paused", "full-load-and-cdc", source, target, FullLoadFixtures.PUBLIC_TABLES,
                    settings.replace("40MB", "1GB"));
            GodwitProcess resumed = GodwitProcess.start(null, 0, "resume", task.toString(), "--workers", "external",
                    "--coordinator-threads", "0");
            awaitLoaded(target, resumed);
            assertEquals(0, worker.waitFor(120), worker::output);
            assertTrue(worker.output().contains("copied by"), worker::output);
            assertEquals(0, CliRun.of("stop", task.toString()).exitCode());
            assertEquals(0, resumed.waitFor(120), resumed::output);
        } finally {
            paused.destroy();
            if (worker != null) {
                worker.destroy();
            }
        }
        assertEquals("0", target.value("SELECT count(*) FROM godwit.unit WHERE state <> 'done'"));
        assertEquals(source.fingerprint("big"), target.fingerprint("big"));
    }

    /**
     * The slot governor's pause-load in the middle of a spread load, with a worker copying: the units in its hands
     * finish, no other is taken; the paused run is stopped, and a resume with a larger budget hands every unit out
     * again to the same worker process, which waited idle, to a complete and equal copy with every unit done once.
     */
    @Test
    void aSpreadLoadPausedMidwayIsResumedThroughTheWorkerThatWaited(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(17);
        TestDatabase target = lab.newDatabase(17);
        // the WAL that pushes the slot over its budget is written outside the task's tables, so big stays as loaded
        source.execute(BIG, "CREATE SCHEMA filler; CREATE TABLE filler.wal (n int)");
        String settings = "parallelism: 1\nsplitThreshold: 256kB\nvalidation:\n  enabled: false\n"
                + "slot:\n  maxRetainedWal: 40MB\n  onBudget: pause-load";
        Path task = FullLoadFixtures.taskFile(dir, "midway", "full-load-and-cdc", source, target,
                FullLoadFixtures.PUBLIC_TABLES, settings);
        GodwitProcess coordinator = GodwitProcess.start(null, 0, "start", task.toString(), "--workers", "external",
                "--coordinator-threads", "0");
        GodwitProcess worker = null;
        GodwitProcess resumed = null;
        try {
            awaitTaskRecorded(target, coordinator);
            worker = GodwitProcess.start(null, 0, "worker", task.toString(), "--threads", "2");
            await(() -> Long.parseLong(target.value("SELECT count(*) FROM godwit.unit WHERE state = 'done'")) >= 2,
                    coordinator, "two units to be done");
            long doneBeforePause;
            long units = Long.parseLong(target.value("SELECT count(*) FROM godwit.unit"));
            try (Connection blocker = target.connect()) {
                // granted once the copies under way commit; every later copy waits for it, so no unit ends meanwhile
                blocker.setAutoCommit(false);
                try (Statement st = blocker.createStatement()) {
                    st.execute("LOCK TABLE big IN SHARE MODE");
                }
                doneBeforePause = Long.parseLong(target.value("SELECT count(*) FROM godwit.unit WHERE state = 'done'"));
                while (Long.parseLong(source.value("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint"
                        + " FROM pg_replication_slots WHERE slot_name = 'godwit_midway'")) <= 48L << 20) {
                    source.execute("INSERT INTO filler.wal SELECT generate_series(1, 1000)", "SELECT pg_switch_wal()");
                }
                assertTrue(coordinator.awaitLine(Pattern.compile("full load paused: units are no longer taken by the"
                        + " workers"), 60), coordinator::output);
            }
            // the units that waited for the lock (two at most, the worker's threads) end; the next jobs take nothing
            GodwitProcess w = worker;
            assertTrue(worker.awaitLine(Pattern.compile("not taken: it is pending under another snapshot"), 120),
                    worker::output);
            await(() -> target.value("SELECT count(*) FROM godwit.unit WHERE state = 'pending' AND owner IS NOT NULL"
                    + " AND lease_expires_at > now()").equals("0"), coordinator, "the units in hand to end", w::output);
            long donePaused = Long.parseLong(target.value("SELECT count(*) FROM godwit.unit WHERE state = 'done'"));
            assertTrue(donePaused <= doneBeforePause + 2 && donePaused < units,
                    donePaused + " units done while paused, " + doneBeforePause + " before, of " + units);
            assertEquals(0, CliRun.of("stop", task.toString()).exitCode());
            assertEquals(0, coordinator.waitFor(60), coordinator::output);
            assertEquals(String.valueOf(donePaused),
                    target.value("SELECT count(*) FROM godwit.unit WHERE state = 'done'"), "nothing more was taken");
            assertTrue(worker.alive(), "the worker waits for a resume:\n" + worker.output());

            FullLoadFixtures.taskFile(dir, "midway", "full-load-and-cdc", source, target, FullLoadFixtures.PUBLIC_TABLES,
                    settings.replace("40MB", "1GB"));
            resumed = GodwitProcess.start(null, 0, "resume", task.toString(), "--workers", "external",
                    "--coordinator-threads", "0");
            awaitLoaded(target, resumed);
            assertEquals(0, worker.waitFor(120), worker::output);
            assertEquals(0, CliRun.of("stop", task.toString()).exitCode());
            assertEquals(0, resumed.waitFor(120), resumed::output);
        } finally {
            coordinator.destroy();
            if (worker != null) {
                worker.destroy();
            }
            if (resumed != null) {
                resumed.destroy();
            }
        }
        // only the worker copied (the coordinators copied nothing themselves): every unit once, big equal
        assertEquals("0", target.value("SELECT count(*) FROM godwit.unit WHERE state <> 'done'"));
        assertEquals("0", target.value("SELECT count(*) FROM godwit.unit WHERE rows_copied <> source_rows"));
        assertEquals(String.valueOf(source.count("big")), target.value("SELECT sum(rows_copied) FROM godwit.unit"));
        assertEquals(source.fingerprint("big"), target.fingerprint("big"));
    }

    private Path task(TestDatabase source, TestDatabase target) throws Exception {
        return FullLoadFixtures.taskFile(dir, "scaleout", "full-load-and-cdc", source, target,
                FullLoadFixtures.PUBLIC_TABLES, "parallelism: 2\nsplitThreshold: 512kB");
    }

    private static void assertEveryUnitDoneOnce(TestDatabase source, TestDatabase target) {
        long units = Long.parseLong(target.value("SELECT count(*) FROM godwit.unit"));
        assertTrue(units >= 30, units + " units");
        assertEquals("0", target.value("SELECT count(*) FROM godwit.unit WHERE state <> 'done'"));
        assertEquals("0", target.value("SELECT count(*) FROM godwit.unit WHERE rows_copied <> source_rows"));
        // big is not written to: its copy alone is on the target, each unit's rows once
        assertEquals(String.valueOf(source.count("big")), target.value("SELECT sum(rows_copied) FROM godwit.unit"
                + " WHERE table_key = 'public.big'"));
        assertEquals(source.fingerprint("big"), target.fingerprint("big"));
    }

    /** Stops the writes' effect: waits until CDC applied everything the source wrote, compares, stops the task. */
    private static void assertEqualAfterCatchUp(TestDatabase source, TestDatabase target, Path task,
                                                GodwitProcess coordinator) throws Exception {
        String end = source.value("SELECT pg_current_wal_lsn()");
        await(() -> target.value("SELECT coalesce((SELECT lsn >= '" + end + "'::pg_lsn FROM godwit.checkpoint), false)")
                .equals("t"), coordinator, "CDC to apply the writes");
        for (String t : TABLES) {
            assertEquals(source.fingerprint(t), target.fingerprint(t), t);
        }
        assertEquals(0, CliRun.of("stop", task.toString()).exitCode());
        assertEquals(0, coordinator.waitFor(120), coordinator::output);
    }

    private static void awaitTaskRecorded(TestDatabase target, GodwitProcess coordinator) throws InterruptedException {
        await(() -> target.value("SELECT to_regclass('godwit.worker') IS NOT NULL").equals("t")
                && target.value("SELECT EXISTS (SELECT 1 FROM godwit.task)").equals("t"), coordinator, "the task to be recorded");
    }

    private static void awaitLoaded(TestDatabase target, GodwitProcess coordinator) throws InterruptedException {
        await(() -> target.value("SELECT phase IN ('FULL_LOAD_DONE', 'CDC') FROM godwit.task").equals("t"), coordinator,
                "the full load to end");
    }
}
