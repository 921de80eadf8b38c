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
 * Indexes created and dropped on the source while changes stream are followed on the target: a plain one under
 * writes, a unique one created (while godwit is stopped) right after the source removed a duplicate that the target
 * still has to apply, a partitioned table's, and a drop. A key's index and the target's own index are left alone.
 */
@ExtendWith(PgExtension.class)
class IndexesDuringCdcIT {
    private static final Pattern STREAMING = Pattern.compile("cdc: streaming slot");
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void indexesCreatedAndDroppedOnTheSourceFollowOnTheTarget(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(13);
        TestDatabase target = lab.newDatabase(17);
        source.execute("""
                CREATE TABLE items (id int PRIMARY KEY, code text, n int);
                INSERT INTO items SELECT g, 'c' || g, g % 10 FROM generate_series(1, 2000) g;
                CREATE INDEX items_old ON items (n, id);
                CREATE TABLE events (id int, at date, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
                CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
                INSERT INTO events SELECT g, date '2026-01-01' + g % 300 FROM generate_series(1, 500) g;
                """);
        Path task = CdcTasks.write(dir, "indexes", source, target, "validation:\n  enabled: false\n");
        Process godwit = Godwit.start(dir, "start", task.toString());
        try {
            Godwit.awaitLog(dir, STREAMING, Duration.ofSeconds(120));
            target.execute("CREATE INDEX target_own ON items (code)");
            source.execute("CREATE INDEX CONCURRENTLY items_n ON items (n)",
                    "UPDATE items SET n = n + 1 WHERE id % 7 = 0",
                    "CREATE INDEX events_at ON events (at)",
                    "DROP INDEX items_old");
            awaitIndexes(target, "items", List.of("items_n", "items_pkey", "target_own"));
            awaitIndexes(target, "events", List.of("events_at", "events_pkey"));
            assertEquals(ExitCodes.OK, CliRun.of("stop", task.toString()).exitCode());
            assertTrue(godwit.waitFor(60, TimeUnit.SECONDS), "godwit stops");
        } finally {
            godwit.destroyForcibly();
        }
        // the target has yet to apply the duplicate and its removal when it learns of the unique index
        source.execute("INSERT INTO items VALUES (3001, 'c5', 0)", "DELETE FROM items WHERE id = 3001",
                "CREATE UNIQUE INDEX items_code ON items (code)");
        Process resumed = Godwit.start(dir, "resume", task.toString());
        try {
            awaitIndexes(target, "items", List.of("items_code", "items_n", "items_pkey", "target_own"));
            CdcIT.awaitEqual(source, target, List.of("items", "events"), WAIT);
            Godwit.stopOrKill(task, resumed);
        } finally {
            resumed.destroyForcibly();
        }
        assertEquals("true", target.value("SELECT bool_and(indisvalid)::text FROM pg_index"
                + " WHERE indrelid = 'items'::regclass"));
        String events = target.value("SELECT string_agg(message, ' | ') FROM godwit.event WHERE step = 'cdc'");
        assertTrue(events.contains("index items_old on public.items dropped as on the source"), events);
        assertTrue(events.contains("index items_code on public.items created as on the source"), events);
    }

    private static void awaitIndexes(TestDatabase target, String table, List<String> expected) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<String> now = List.of();
        while (System.nanoTime() < deadline) {
            now = target.column("SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND tablename = '"
                    + table + "' ORDER BY 1");
            if (now.equals(expected)) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("indexes of " + table + " on the target: " + now + ", expected " + expected);
    }
}
