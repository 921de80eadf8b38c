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
 * A content validation of a task that streams changes, its chunks compared by three 'godwit worker' processes (separate
 * JVMs, as on separate hosts; one joined by the target's URL alone) while the source is written to: every chunk
 * recorded once, by a worker, and the report equal. Then the same with one worker killed -9 in the middle of its chunks and another stalled (SIGSTOP) until its
 * chunks were compared again elsewhere: its late result is refused, and the report is still complete and equal.
 */
@ExtendWith(PgExtension.class)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ValidationScaleOutIT {
    private static final String BIG = "CREATE TABLE big (id bigint PRIMARY KEY, v text);"
            + "INSERT INTO big SELECT g, md5(g::text) FROM generate_series(1, 60000) g; ANALYZE big;";
    private static final String SETTINGS = "parallelism: 2\nvalidation:\n  enabled: false\n  partitionSize: 5000";

    @TempDir
    Path dir;

    @Test
    void threeWorkersCompareEveryChunkOnceWhileChangesStreamAndLeaveAtTheCutover(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(13);
        TestDatabase target = lab.newDatabase(17);
        source.execute(SourceWriter.SCHEMA, BIG);
        Path task = FullLoadFixtures.taskFile(dir, "spreadcheck", "full-load-and-cdc", source, target,
                FullLoadFixtures.PUBLIC_TABLES, SETTINGS);
        List<GodwitProcess> workers = new ArrayList<>();
        GodwitProcess coordinator = GodwitProcess.start(null, 0, "start", task.toString());
        try (SourceWriter writer = new SourceWriter(source, 11)) {
            awaitStreaming(target, coordinator);
            for (int i = 0; i < 2; i++) {
                workers.add(GodwitProcess.start(null, 0, "worker", task.toString(), "--threads", "2",
                        "--until", "cutover"));
            }
            // the third joins as from a host without the task file: by the target's URL, the control schema naming
            // the task's source
            workers.add(GodwitProcess.start(null, 0, "worker", target.url(), "--task", "spreadcheck", "--threads", "2",
                    "--until", "cutover"));
            writer.awaitTransactions(writer.transactions() + 20, Duration.ofSeconds(60));
            GodwitProcess validate = GodwitProcess.start(null, 0, "validate", task.toString(), "--content",
                    "--workers", "external", "--coordinator-threads", "0");
            assertEquals(0, validate.waitFor(300), validate::output);
            assertTrue(validate.output().contains("handed to the workers"), validate::output);
            assertEveryChunkRecordedOnceByAWorker(target, workers);
            writer.close();
            CliRun cutover = CliRun.of("cutover", task.toString());
            assertEquals(0, cutover.exitCode(), cutover.toString());
            for (GodwitProcess w : workers) {
                assertEquals(0, w.waitFor(120), w::output);
                assertTrue(w.output().contains("left task"), w::output);
            }
            assertEquals(0, coordinator.waitFor(120), coordinator::output);
        } finally {
            workers.forEach(GodwitProcess::destroy);
            coordinator.destroy();
        }
        assertEquals(source.fingerprint("big"), target.fingerprint("big"));
    }

    @Test
    void aKilledAndAStalledWorkerLoseNoChunkAndTheStalledOnesLateResultIsRefused(PgLab lab) throws Exception {
        // on two servers: the target's ACCESS EXCLUSIVE lock below takes a transaction id, and a source on the same
        // server would wait for that transaction to end before it exported the validation's snapshot
        TestDatabase source = lab.newDatabase(13);
        TestDatabase target = lab.newDatabase(17);
        source.execute(SourceWriter.SCHEMA, BIG);
        Path task = FullLoadFixtures.taskFile(dir, "spreadfail", "full-load-and-cdc", source, target,
                FullLoadFixtures.PUBLIC_TABLES, SETTINGS);
        List<GodwitProcess> workers = new ArrayList<>();
        GodwitProcess coordinator = GodwitProcess.start(null, 0, "start", task.toString());
        GodwitProcess validate = null;
        try (SourceWriter writer = new SourceWriter(source, 12);
             Connection blocker = target.connect()) {
            awaitStreaming(target, coordinator);
            for (int i = 0; i < 3; i++) {
                workers.add(GodwitProcess.start(null, 0, "worker", task.toString(), "--threads", "2",
                        "--until", "cutover"));
            }
            // the lock below is taken once every worker has joined: a worker still starting could wait behind it in
            // the target's catalog (a CI run saw a worker's control session do so), and no chunk would be held
            for (GodwitProcess w : workers) {
                assertTrue(w.awaitLine(Pattern.compile("joined task"), 120), w::output);
            }
            // big is not written to, so the applier never waits for this lock; every target read of a chunk of big
            // does, its lease taken
            blocker.setAutoCommit(false);
            try (Statement s = blocker.createStatement()) {
                s.execute("LOCK TABLE big IN ACCESS EXCLUSIVE MODE");
            }
            validate = GodwitProcess.start(null, 0, "validate", task.toString(), "--content", "--workers", "external",
                    "--coordinator-threads", "0");
            await(() -> {
                long holders = Long.parseLong(target.value("SELECT count(DISTINCT owner) FROM godwit.validation_chunk"
                        + " WHERE table_key = 'public.big' AND state = 'pending' AND owner IS NOT NULL"));
                long held = Long.parseLong(target.value("SELECT count(*) FROM godwit.validation_chunk"
                        + " WHERE table_key = 'public.big' AND state = 'pending' AND owner IS NOT NULL"));
                long waiting = Long.parseLong(target.value("SELECT count(*) FROM pg_stat_activity"
                        + " WHERE wait_event_type = 'Lock' AND query LIKE '%\"public\".\"big\"%'"));
                return holders >= 2 && waiting >= held;
            }, validate, "two workers to wait in the middle of chunks of big", () -> String.join("\n", target.column(
                    "SELECT table_key || ' ' || ordinal || ' ' || state || ' ' || coalesce(owner, '-')"
                            + " FROM godwit.validation_chunk ORDER BY 1")) + "\n" + String.join("\n", target.column(
                    "SELECT coalesce(wait_event_type, '-') || ' ' || application_name || ' ' || left(query, 200)"
                            + " FROM pg_stat_activity WHERE datname = current_database()")) + "\n" + coordinator.output());
            List<String> owners = target.column("SELECT DISTINCT owner FROM godwit.validation_chunk"
                    + " WHERE table_key = 'public.big' AND state = 'pending' AND owner IS NOT NULL ORDER BY owner");
            String killed = owners.get(0);
            String stalled = owners.get(1);
            GodwitProcess stalledProcess = workers.stream().filter(w -> w.pid() == pid(stalled)).findFirst().orElseThrow();
            List<String> stalledChunks = target.column("SELECT ordinal || ' ' || epoch FROM godwit.validation_chunk"
                    + " WHERE table_key = 'public.big' AND owner = '" + stalled + "' AND state = 'pending'");
            signal("KILL", pid(killed));
            signal("STOP", pid(stalled));
            long stoppedAt = System.nanoTime();
            blocker.commit();

            // the stalled worker's chunks are compared again by another process under a later epoch
            await(() -> stalledChunks.stream().allMatch(c -> {
                String[] ordinalEpoch = c.split(" ");
                return target.value("SELECT state = 'done' AND epoch > " + ordinalEpoch[1] + " AND owner <> '"
                        + stalled + "' FROM godwit.validation_chunk WHERE table_key = 'public.big' AND ordinal = "
                        + ordinalEpoch[0]).equals("t");
            }), validate, "the stalled worker's chunks to be compared elsewhere");
            System.out.printf("fail-over: the stalled worker's %d chunk(s) recorded elsewhere %d ms after SIGSTOP%n",
                    stalledChunks.size(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stoppedAt));
            signal("CONT", pid(stalled));
            assertTrue(stalledProcess.awaitLine(Pattern.compile("late duplicate refused"), 120),
                    stalledProcess::output);

            assertEquals(0, validate.waitFor(300), validate::output);
            List<GodwitProcess> alive = workers.stream().filter(w -> w.pid() != pid(killed)).toList();
            assertEveryChunkRecordedOnceByAWorker(target, workers);
            writer.close();
            assertEquals(0, CliRun.of("cutover", task.toString()).exitCode());
            for (GodwitProcess w : alive) {
                assertEquals(0, w.waitFor(120), w::output);
            }
        } finally {
            workers.forEach(GodwitProcess::destroy);
            coordinator.destroy();
            if (validate != null) {
                validate.destroy();
            }
        }
    }

    @Test
    void aSpreadValidationWithNoProcessToTakeItsChunksEndsNamingTheRemedy(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(17);
        TestDatabase target = lab.newDatabase(17);
        source.execute(BIG);
        Path task = FullLoadFixtures.taskFile(dir, "nobody", "full-load", source, target,
                FullLoadFixtures.PUBLIC_TABLES, SETTINGS);
        assertEquals(0, CliRun.of("start", task.toString()).exitCode());
        CliRun validate = CliRun.of("validate", task.toString(), "--workers", "external", "--coordinator-threads", "0");
        assertEquals(2, validate.exitCode(), validate.toString());
        assertTrue(validate.err().contains("no live process takes the validation's chunks")
                && validate.err().contains("godwit worker"), validate.toString());
        assertEquals("FAILED", target.value("SELECT state FROM godwit.validation_run ORDER BY id DESC LIMIT 1"));
        assertEquals("0", target.value("SELECT count(*) FROM godwit.worker"), "the validating process deregistered");
    }

    private static void awaitStreaming(TestDatabase target, GodwitProcess coordinator) throws InterruptedException {
        await(() -> target.value("SELECT to_regclass('godwit.task') IS NOT NULL").equals("t")
                && target.value("SELECT coalesce((SELECT phase = 'CDC' FROM godwit.task), false)").equals("t"),
                coordinator, "the task to stream changes");
    }

    /** The last validation: equal, every chunk of its report recorded once in the ledger, each by a worker process. */
    private static void assertEveryChunkRecordedOnceByAWorker(TestDatabase target, List<GodwitProcess> workers) {
        String run = "(SELECT max(id) FROM godwit.validation_run)";
        assertEquals("EQUAL 0", target.value("SELECT state || ' ' || differences FROM godwit.validation_run"
                + " WHERE id = " + run));
        long chunks = Long.parseLong(target.value("SELECT count(*) FROM godwit.validation_chunk WHERE run_id = " + run));
        assertTrue(chunks >= 12, chunks + " chunks");
        assertEquals(String.valueOf(chunks), target.value("SELECT count(*) FROM godwit.validation_result"
                + " WHERE run_id = " + run));
        assertEquals(String.valueOf(chunks), target.value("SELECT count(*) FROM godwit.validation_chunk"
                + " WHERE run_id = " + run + " AND state = 'done'"));
        assertEquals("60000", target.value("SELECT sum(source_rows) FROM godwit.validation_chunk WHERE run_id = " + run
                + " AND table_key = 'public.big'"));
        List<String> owners = target.column("SELECT DISTINCT owner FROM godwit.validation_chunk WHERE run_id = " + run);
        for (String owner : owners) {
            assertTrue(workers.stream().anyMatch(w -> w.pid() == pid(owner)), owner + " is one of the workers");
        }
    }
}
