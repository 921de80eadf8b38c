package dev.godwit.orchestrator.cdc;

import dev.godwit.workers.testkit.TestDatabase;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Waits for a godwit process's checkpoint to pass the source's current WAL position, then compares the two sides. */
final class CheckpointReached {
    private CheckpointReached() {
    }

    /**
     * Waits until the checkpoint passes the source's WAL position after the last change, then compares the
     * {@code fingerprint}s of both databases once; fails with godwit's log (under {@code dir}) if that takes longer
     * than {@code timeout} or godwit exits first.
     */
    static void awaitEqual(TestDatabase source, TestDatabase target, Function<TestDatabase, String> fingerprint,
                           Process godwit, Path dir, Duration timeout) throws InterruptedException {
        String end = source.value("SELECT pg_current_wal_lsn()");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && godwit.isAlive()) {
            if ("t".equals(target.value("SELECT coalesce((SELECT lsn >= '" + end + "'::pg_lsn FROM godwit.checkpoint),"
                    + " false)"))) {
                assertEquals(fingerprint.apply(source), fingerprint.apply(target));
                return;
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("the target did not reach " + end + " (godwit alive: " + godwit.isAlive() + "):\n"
                + Godwit.log(dir));
    }
}
