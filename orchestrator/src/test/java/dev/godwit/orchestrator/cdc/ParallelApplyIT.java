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
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Parallel apply on four target connections (13 → 17) under four source sessions that mix disjoint and shared rows,
 * foreign keys with cascades, key changes, unique values swapped, a table without a key and TRUNCATE: godwit killed
 * with SIGKILL at twenty random moments and resumed each time; every table ends equal to the source.
 */
@ExtendWith(PgExtension.class)
class ParallelApplyIT {
    private static final Pattern STREAMING = Pattern.compile("cdc: streaming slot");

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 12, unit = TimeUnit.MINUTES)
    void fourLanesKilledAtTwentyRandomMomentsLoseAndRepeatNothing(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(13);
        TestDatabase target = lab.newDatabase(17);
        source.execute(MixedWriters.SCHEMA);
        Path task = CdcTasks.write(dir, "lanes", source, target, """
                parallelism: 2
                cdc:
                  applyParallelism: 4
                  heartbeatInterval: 2s
                """);
        Random random = new Random(20261205);
        Process godwit = Godwit.start(dir, "start", task.toString());
        try (MixedWriters writers = new MixedWriters(source, 4, 7)) {
            try {
                for (int i = 0; i < 20; i++) {
                    Godwit.awaitLogCount(dir, STREAMING, i + 1, Duration.ofSeconds(120));
                    writers.allowTruncate(); // the load is done (see MixedWriters)
                    writers.awaitTransactions(writers.transactions() + 20 + random.nextInt(120),
                            Duration.ofSeconds(60));
                    godwit.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                    godwit = Godwit.start(dir, "resume", task.toString());
                }
                writers.awaitTransactions(writers.transactions() + 100, Duration.ofSeconds(60));
                writers.close();
                SourceWriter.mark(source, "after-kills");
                CdcIT.awaitEqual(source, target, MixedWriters.TABLES, Duration.ofSeconds(180));
            } catch (AssertionError | Exception e) {
                System.err.println("godwit log:\n" + Godwit.log(dir));
                throw e;
            }
            assertTrue(Godwit.log(dir).contains("cdc: applying on 4 target connections"), Godwit.log(dir));
            assertEquals(ExitCodes.OK, CliRun.of("stop", task.toString()).exitCode());
            assertTrue(godwit.waitFor(60, TimeUnit.SECONDS));
            // what a stop leaves: everything under the checkpoint, nothing recorded above it
            assertEquals("0", target.value("SELECT count(*) FROM godwit.applied_transaction a JOIN godwit.checkpoint c"
                    + " USING (task) WHERE a.commit_lsn < c.lsn"));
        } finally {
            godwit.destroyForcibly();
        }
    }
}
