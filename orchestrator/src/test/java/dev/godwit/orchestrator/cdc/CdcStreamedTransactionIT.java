package dev.godwit.orchestrator.cdc;

import dev.godwit.orchestrator.cli.CliRun;
import dev.godwit.orchestrator.cli.ExitCodes;
import dev.godwit.workers.testkit.PgExtension;
import dev.godwit.workers.testkit.PgLab;
import dev.godwit.workers.testkit.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code settings.cdc.streamInProgress}: the source streams a large transaction while it runs (pgoutput protocol 2),
 * godwit spills it to its temporary directory and applies it at its commit. godwit runs as its own process with a
 * 256 MB heap; small transactions commit on the source while the large one is being streamed.
 */
@ExtendWith(PgExtension.class)
class CdcStreamedTransactionIT {
    /** As {@link CdcBigTransactionIT}: 1,000,000 in the suite, 5,000,000 with {@code -Dgodwit.bigtx.rows}. */
    private static final int ROWS = Integer.getInteger("godwit.bigtx.rows", 1_000_000);
    private static final String HEAP = "256m";
    private static final Pattern STREAMING = Pattern.compile("cdc: streaming slot");

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void aStreamedMillionRowTransactionAppliesWithinA256MbHeapInCommitOrder(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(17);
        TestDatabase target = lab.newDatabase(17);
        prepare(source);
        Path task = task(source, target);
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Process godwit = Godwit.start(dir, List.of("-Xmx" + HEAP, "-XX:+ExitOnOutOfMemoryError",
                "-Djava.io.tmpdir=" + tmp, "-Xlog:gc:file=" + dir.resolve("gc.log")), "start", task.toString());
        try (Connection big = source.connect(); Connection small = source.connect()) {
            Godwit.awaitLog(dir, STREAMING, Duration.ofSeconds(120));
            big.setAutoCommit(false);
            run(big, "INSERT INTO big SELECT g, g, 'row ' || g FROM generate_series(1, " + ROWS / 2 + ") g");
            run(small, "INSERT INTO small VALUES (1, 'committed while the big one runs')");
            run(big, "INSERT INTO big SELECT g, g, 'row ' || g FROM generate_series(" + (ROWS / 2 + 1) + ", " + ROWS
                    + ") g");
            run(small, "UPDATE small SET note = 'and again' WHERE id = 1");
            run(big, "UPDATE big SET v = -v, note = NULL WHERE id % 5 = 0"); // ROWS / 5 rows
            // applied in commit order: the big one last, so this row ends as the big transaction left it
            run(big, "UPDATE small SET note = 'the big one committed last' WHERE id = 1");
            big.commit();
            CheckpointReached.awaitEqual(source, target, CdcStreamedTransactionIT::fingerprint, godwit, dir,
                    Duration.ofMinutes(8));
            assertTrue(streamedTransactions(source) > 0, "the source streamed the big transaction in progress");
            assertTrue(godwit.isAlive(), () -> "godwit ended:\n" + Godwit.log(dir));
            assertEquals(ExitCodes.OK, CliRun.of("stop", task.toString()).exitCode());
            assertTrue(godwit.waitFor(60, TimeUnit.SECONDS), "godwit stopped");
            assertEquals(0, godwit.exitValue(), () -> Godwit.log(dir));
            assertFalse(Godwit.log(dir).contains("OutOfMemoryError"), () -> Godwit.log(dir));
        } finally {
            godwit.destroyForcibly();
        }
        assertEquals(String.valueOf(ROWS + 1), target.value("SELECT count(*) FROM big"));
        assertEquals(String.valueOf(ROWS / 5 + 1), target.value("SELECT count(*) FROM big WHERE v <= 0"));
        assertEquals("the big one committed last", target.value("SELECT note FROM small WHERE id = 1"));
        assertEquals(List.of(), spillFiles(tmp), "the spill directory is gone after a clean stop");
        System.out.println("streamed bigtx: " + ROWS + " rows with -Xmx" + HEAP + "; heap after GC at most "
                + GcLog.peakAfterGc(dir.resolve("gc.log")));
    }

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void killedWhileATransactionIsSpilledGodwitResumesAndTheTargetEndsEqual(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(17);
        TestDatabase target = lab.newDatabase(17);
        prepare(source);
        Path task = task(source, target);
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        List<String> jvm = List.of("-Xmx" + HEAP, "-Djava.io.tmpdir=" + tmp);
        Process godwit = Godwit.start(dir, jvm, "start", task.toString());
        try (Connection big = source.connect(); Connection small = source.connect()) {
            Godwit.awaitLog(dir, STREAMING, Duration.ofSeconds(120));
            big.setAutoCommit(false);
            run(big, "INSERT INTO big SELECT g, g, 'row ' || g FROM generate_series(1, 100000) g");
            run(small, "INSERT INTO small VALUES (1, 'before the kill')");
            awaitSpilled(tmp, Duration.ofSeconds(120));
            godwit.destroyForcibly().waitFor(30, TimeUnit.SECONDS);

            run(big, "INSERT INTO big SELECT g, g, 'row ' || g FROM generate_series(100001, 200000) g");
            run(big, "DELETE FROM big WHERE id % 7 = 0");
            run(small, "INSERT INTO small VALUES (2, 'while godwit was down')");
            big.commit();
            List<Path> leftover = spillFiles(tmp);
            assertFalse(leftover.isEmpty(), "the killed run left its spill file");

            godwit = Godwit.start(dir, jvm, "resume", task.toString());
            CheckpointReached.awaitEqual(source, target, CdcStreamedTransactionIT::fingerprint, godwit, dir,
                    Duration.ofMinutes(5));
            // ids 0 to 200000, less those divisible by 7 (0 among them)
            assertEquals(String.valueOf(200_001 - (200_000 / 7 + 1)), target.value("SELECT count(*) FROM big"));
            assertEquals("2", target.value("SELECT count(*) FROM small"));
            assertTrue(streamedTransactions(source) > 0, "the source streamed the big transaction in progress");
        } catch (AssertionError | Exception e) {
            System.err.println("godwit log:\n" + Godwit.log(dir));
            throw e;
        } finally {
            Godwit.stopOrKill(task, godwit);
        }
    }

    private static void prepare(TestDatabase source) {
        // every transaction above 64kB of decoded changes is streamed while it runs
        source.execute("ALTER DATABASE \"" + source.name() + "\" SET logical_decoding_work_mem = '64kB'",
                "CREATE TABLE big (id bigint PRIMARY KEY, v int NOT NULL, note text)",
                "INSERT INTO big VALUES (0, 0, 'copied')",
                "CREATE TABLE small (id int PRIMARY KEY, note text)");
    }

    private Path task(TestDatabase source, TestDatabase target) throws IOException {
        return CdcTasks.write(dir, "streamedtx", source, target, "cdc: {streamInProgress: true}\n");
    }

    private static void run(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static long streamedTransactions(TestDatabase source) {
        return Long.parseLong(source.value("SELECT coalesce(sum(stream_txns), 0) FROM pg_stat_replication_slots"
                + " WHERE slot_name = 'godwit_streamedtx'"));
    }

    /** The spill files under godwit's temporary directory. */
    private static List<Path> spillFiles(Path tmp) throws IOException {
        try (Stream<Path> files = Files.walk(tmp)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".spool")).toList();
        }
    }

    private static void awaitSpilled(Path tmp, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (Path file : spillFiles(tmp)) {
                if (Files.size(file) > 0) {
                    return;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no spill file with content under " + tmp + " within " + timeout);
    }

    /** Count and an order-free sum of row hashes of both tables. */
    private static String fingerprint(TestDatabase db) {
        return db.value("SELECT (SELECT count(*) || ':' || coalesce(sum(('x' || left(md5(b::text), 15))::bit(60)::bigint),"
                + " 0) FROM big b) || '/' || (SELECT string_agg(id || '=' || note, ',' ORDER BY id) FROM small)");
    }
}
