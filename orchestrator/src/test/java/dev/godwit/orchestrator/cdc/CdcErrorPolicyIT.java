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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code errorPolicy: log-and-continue} end to end: a unique constraint that only the target has rejects one source
 * row; the rest of its transaction and the later ones are applied, the row is in {@code godwit.apply_exception} with
 * its key and error, and a stop and resume record it no second time. The cutover compares the contents of such a
 * table, not only its row count, and refuses while they differ unless told to accept the differences.
 */
@ExtendWith(PgExtension.class)
class CdcErrorPolicyIT {

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void aChangeTheTargetRejectsIsRecordedOnceAndEverythingElseApplies(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(17);
        TestDatabase target = lab.newDatabase(17);
        source.execute("CREATE TABLE items (id int PRIMARY KEY, doc text NOT NULL)",
                "INSERT INTO items VALUES (1, 'copied')");
        Path task = task(source, target);
        Process godwit = Godwit.start(dir, "start", task.toString());
        try {
            Godwit.awaitLog(dir, Pattern.compile("cdc: streaming slot"), Duration.ofSeconds(120));
            target.execute("ALTER TABLE items ADD CONSTRAINT items_doc_unique UNIQUE (doc)");
            source.execute("BEGIN; INSERT INTO items VALUES (2, 'a'), (3, 'a'), (4, 'b'); UPDATE items SET doc = 'c'"
                    + " WHERE id = 4; COMMIT", "INSERT INTO items VALUES (5, 'd')");
            awaitCheckpoint(source, target, godwit);
            assertEquals(List.of("1:copied", "2:a", "4:c", "5:d"), target.column("SELECT id || ':' || doc FROM items"
                    + " ORDER BY id"));
            assertEquals("public.items (id='3')|INSERT|23505|items_doc_unique|3",
                    target.value("SELECT concat_ws('|', table_key || ' ' || row_key, operation, sqlstate,"
                            + " substring(error from 'items_doc_unique'), change -> 'new' ->> 'id')"
                            + " FROM godwit.apply_exception WHERE task = 'errpolicy'"));
            assertTrue(Godwit.log(dir).contains("skipped a change"), () -> Godwit.log(dir));
            assertEquals(ExitCodes.OK, CliRun.of("stop", task.toString()).exitCode());
            assertTrue(godwit.waitFor(60, TimeUnit.SECONDS), "godwit stopped");
            assertEquals(0, godwit.exitValue(), () -> Godwit.log(dir));
        } finally {
            godwit.destroyForcibly();
        }

        Process resumed = Godwit.start(dir, "resume", task.toString());
        try {
            source.execute("INSERT INTO items VALUES (6, 'e')");
            awaitCheckpoint(source, target, resumed);
            assertEquals("6", target.value("SELECT max(id) FROM items"));
            assertEquals("1", target.value("SELECT count(*) FROM godwit.apply_exception"));

            // the same number of rows on both sides, one of them different: a count would find them equal
            target.execute("INSERT INTO items VALUES (3, 'not what the source has')");
            CliRun refused = CliRun.of("cutover", task.toString());
            assertEquals(ExitCodes.FAILED, refused.exitCode(), refused.toString());
            assertTrue(refused.out().contains("contents of public.items, where changes were skipped (apply_exception):"
                    + " 1 chunk(s) differ"), refused.out());
            assertTrue(refused.out().contains("--accept-differences"), refused.out());
            CliRun accepted = CliRun.of("cutover", task.toString(), "--accept-differences");
            assertEquals(ExitCodes.OK, accepted.exitCode(), accepted.toString());
            assertTrue(accepted.out().contains("ACCEPTED (--accept-differences)"), accepted.out());
            assertTrue(resumed.waitFor(60, TimeUnit.SECONDS), "godwit ends with the cutover");
        } finally {
            resumed.destroyForcibly();
        }
    }

    private void awaitCheckpoint(TestDatabase source, TestDatabase target, Process godwit)
            throws InterruptedException {
        String end = source.value("SELECT pg_current_wal_lsn()");
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline && godwit.isAlive()) {
            if ("t".equals(target.value("SELECT coalesce((SELECT lsn >= '" + end + "'::pg_lsn FROM godwit.checkpoint),"
                    + " false)"))) {
                return;
            }
            Thread.sleep(300);
        }
        throw new AssertionError("the target did not reach " + end + ":\n" + Godwit.log(dir));
    }

    private Path task(TestDatabase source, TestDatabase target) throws Exception {
        return CdcTasks.write(dir, "errpolicy", source, target, """
                parallelism: 1
                errorPolicy: log-and-continue
                cdc:
                  heartbeatInterval: 1s
                """);
    }
}
