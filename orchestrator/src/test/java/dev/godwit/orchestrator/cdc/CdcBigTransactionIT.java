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

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checklist item 9: a source transaction far larger than the heap. godwit runs as its own process with a small heap
 * while one source transaction inserts ROWS rows and a second one updates a fifth of them; the target must
 * end equal to the source, and the process must still be alive and stop cleanly.
 */
@ExtendWith(PgExtension.class)
class CdcBigTransactionIT {
    /**
     * 1,000,000 rows under a 128 MB heap in the suite (a minute on a busy 2-core machine); the full size that issue 20
     * asks for runs with {@code -Dgodwit.bigtx.rows=5000000 -Dgodwit.bigtx.heap=256m}
     * ({@code scripts/bench/big-transaction.sh}).
     */
    private static final int ROWS = Integer.getInteger("godwit.bigtx.rows", 1_000_000);
    private static final String HEAP = System.getProperty("godwit.bigtx.heap", "128m");

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void aMillionRowsInOneSourceTransactionApplyWithinASmallHeap(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(17);
        TestDatabase target = lab.newDatabase(17);
        source.execute("CREATE TABLE big (id bigint PRIMARY KEY, v int NOT NULL, note text)",
                "INSERT INTO big VALUES (0, 0, 'copied')");
        Path task = task(source, target);
        Process godwit = Godwit.start(dir, List.of("-Xmx" + HEAP, "-XX:+ExitOnOutOfMemoryError",
                "-Xlog:gc:file=" + dir.resolve("gc.log")), "start",
                task.toString());
        try {
            Godwit.awaitLog(dir, Pattern.compile("cdc: streaming slot"), Duration.ofSeconds(120));
            source.execute("INSERT INTO big SELECT g, g, 'row ' || g FROM generate_series(1, " + ROWS + ") g");
            source.execute("UPDATE big SET v = -v, note = NULL WHERE id % 5 = 0"); // ROWS / 5 rows
            CheckpointReached.awaitEqual(source, target, CdcBigTransactionIT::fingerprint, godwit, dir,
                    Duration.ofMinutes(6));
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
        System.out.println("bigtx: " + ROWS + " rows with -Xmx" + HEAP + "; heap after GC at most "
                + GcLog.peakAfterGc(dir.resolve("gc.log")));
    }

    private Path task(TestDatabase source, TestDatabase target) throws Exception {
        return CdcTasks.write(dir, "bigtx", source, target, "parallelism: 1\n");
    }

    /** Count and an order-free sum of row hashes: cheap enough for millions of rows, and any changed row shows. */
    private static String fingerprint(TestDatabase db) {
        return db.value("SELECT count(*) || ':' || coalesce(sum(('x' || left(md5(b::text), 15))::bit(60)::bigint), 0)"
                + " FROM big b");
    }
}
