package dev.godwit.orchestrator.cdc;

import dev.godwit.orchestrator.cli.CliRun;
import dev.godwit.orchestrator.cli.ExitCodes;
import dev.godwit.workers.testkit.PgExtension;
import dev.godwit.workers.testkit.PgLab;
import dev.godwit.workers.testkit.PgServer;
import dev.godwit.workers.testkit.TestDatabase;
import dev.godwit.workers.pg.Lsn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CDC under faults, applied on two target connections: godwit killed with SIGKILL at random moments while it applies live writes, resumed each time;
 * the source and the target server restarted or crashed under a running godwit, which must reconnect by itself. The
 * target must end equal to the source: no change lost, none applied twice.
 */
@ExtendWith(PgExtension.class)
class CdcCrashIT {
    private static final Pattern STREAMING = Pattern.compile("cdc: streaming slot");

    @TempDir
    Path dir;

    /**
     * Twenty kills, each after godwit logged that it streams again (so none lands in the JVM's start) and after a
     * random 20 to 100 further source transactions of a writer that mixes updates, key changes, deletes, multi-row
     * inserts, a table without a key and unique values swapped through a third; before the eighth kill a 200,000-row
     * transaction is committed, so that kill lands while it is applied or soon after.
     */
    @Test
    @Timeout(value = 12, unit = TimeUnit.MINUTES)
    void survivesKill9AtTwentyRandomMomentsOfTheApplyWithoutLossOrDuplicates(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(13);
        TestDatabase target = lab.newDatabase(17);
        source.execute(SourceWriter.SCHEMA);
        Path task = task(source, target);
        Random random = new Random(20261205);
        int kills = 0;
        try (SourceWriter writer = new SourceWriter(source, 3)) {
            Process godwit = Godwit.start(dir, "start", task.toString());
            try {
                for (int i = 0; i < 20; i++) {
                    Godwit.awaitLogCount(dir, STREAMING, i + 1, Duration.ofSeconds(120));
                    if (i == 7) {
                        SourceWriter.bigTransaction(source, 200_000);
                    }
                    writer.awaitTransactions(writer.transactions() + 20 + random.nextInt(80), Duration.ofSeconds(60));
                    godwit.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                    kills++;
                    godwit = Godwit.start(dir, "resume", task.toString());
                }
            } catch (AssertionError | Exception e) {
                System.err.println("godwit log:\n" + Godwit.log(dir));
                godwit.destroyForcibly();
                throw e;
            }
            writer.awaitTransactions(writer.transactions() + 50, Duration.ofSeconds(60));
            writer.close();
            SourceWriter.mark(source, "after-kills");
            try {
                CdcIT.awaitEqual(source, target, Duration.ofSeconds(180));
            } catch (AssertionError e) {
                System.err.println("godwit log:\n" + Godwit.log(dir));
                throw e;
            }
            assertEquals(ExitCodes.OK, CliRun.of("stop", task.toString()).exitCode());
            assertTrue(godwit.waitFor(60, TimeUnit.SECONDS));
        }
        assertEquals(20, kills);
        assertTrue(Long.parseLong(target.value("SELECT count(*) FROM events WHERE kind = 'big'")) == 200_000);
    }

    /**
     * A target whose commits return before they are flushed ({@code synchronous_commit = off}) crashed ten times while
     * godwit streams under live writes: every change the slot let go of must have survived the crash on the target.
     * The slot's position is read while the target is down, so nothing can move it, and compared with the checkpoint
     * the target recovered.
     */
    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void aTargetWithoutSynchronousCommitCrashedTenTimesLosesNothingAndTheSlotNeverPassesWhatItKept(PgLab lab)
            throws Exception {
        PgServer targetServer = lab.dedicatedServer(17, Map.of("synchronous_commit", "off"), List.of());
        TestDatabase source = lab.newDatabase(13);
        TestDatabase target = lab.newDatabase(targetServer);
        source.execute(SourceWriter.SCHEMA);
        Path task = task(source, target);
        Random random = new Random(20261206);
        Process godwit = Godwit.start(dir, "start", task.toString());
        try (SourceWriter writer = new SourceWriter(source, 7)) {
            Godwit.awaitLog(dir, STREAMING, Duration.ofSeconds(120));
            for (int i = 0; i < 10; i++) {
                writer.awaitTransactions(writer.transactions() + 30 + random.nextInt(150), Duration.ofSeconds(60));
                targetServer.crash();
                Lsn confirmed = Lsn.parse(source.value(
                        "SELECT confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = 'godwit_cdctest'"));
                targetServer.start();
                // before its first commit the target holds the full load: the slot's consistent point
                Lsn kept = Lsn.parse(target.value("SELECT coalesce((SELECT lsn FROM godwit.checkpoint),"
                        + " (SELECT consistent_point FROM godwit.task))"));
                assertTrue(confirmed.compareTo(kept) <= 0, "crash " + (i + 1) + ": the slot was confirmed up to "
                        + confirmed + " but the target kept only " + kept);
                awaitCheckpointPast(target, kept, Duration.ofSeconds(120));
            }
            writer.close();
            SourceWriter.mark(source, "after-crashes");
            CdcIT.awaitEqual(source, target, Duration.ofSeconds(120));
            assertTrue(godwit.isAlive(), "godwit rode out the crashes by itself");
        } catch (AssertionError | Exception e) {
            System.err.println("godwit log:\n" + Godwit.log(dir));
            throw e;
        } finally {
            Godwit.stopOrKill(task, godwit);
        }
    }

    /**
     * The task of {@link CdcIT#task}, applied on two target connections: the crashes meet parallel apply's
     * checkpoint (transactions committed above it by one connection, not yet by the other); ParallelApplyIT kills four.
     */
    private Path task(TestDatabase source, TestDatabase target) throws Exception {
        return CdcTasks.write(dir, "cdctest", source, target, """
                parallelism: 2
                splitThreshold: 512kB
                cdc:
                  heartbeatInterval: 2s
                  applyParallelism: 2
                """);
    }

    private static void awaitCheckpointPast(TestDatabase target, Lsn position, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (Lsn.parse(target.value("SELECT lsn FROM godwit.checkpoint")).compareTo(position) > 0) {
                    return;
                }
            } catch (IllegalStateException e) {
                // the target is still recovering, or godwit has committed nothing yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("godwit did not apply past " + position + " within " + timeout);
    }

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void reconnectsByItselfWhenTheSourceOrTheTargetRestarts(PgLab lab) throws Exception {
        PgServer sourceServer = lab.dedicatedServer(13, Map.of(), List.of());
        PgServer targetServer = lab.dedicatedServer(17, Map.of(), List.of());
        TestDatabase source = lab.newDatabase(sourceServer);
        TestDatabase target = lab.newDatabase(targetServer);
        source.execute(SourceWriter.SCHEMA);
        Path task = task(source, target);
        Process godwit = Godwit.start(dir, "start", task.toString());
        try {
            Godwit.awaitLog(dir, STREAMING, Duration.ofSeconds(120));
            int round = 0;
            for (PgServer restarted : List.of(sourceServer, targetServer, sourceServer)) {
                try (SourceWriter writer = new SourceWriter(source, 11 + round++)) {
                    writer.awaitTransactions(100, Duration.ofSeconds(60));
                }
                restarted.restart();
                source.execute("UPDATE accounts SET note = 'after restart' WHERE id = 1");
                SourceWriter.mark(source, "restart-" + restarted.port() + "-" + System.nanoTime());
                CdcIT.awaitEqual(source, target, Duration.ofSeconds(120));
            }
            assertTrue(godwit.isAlive(), "godwit kept running through the restarts");
            assertTrue(Godwit.log(dir).contains("reconnecting from the checkpoint"), Godwit.log(dir));
        } catch (AssertionError | Exception e) {
            System.err.println("godwit log:\n" + Godwit.log(dir));
            throw e;
        } finally {
            Godwit.stopOrKill(task, godwit);
        }
    }
}
