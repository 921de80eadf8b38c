package dev.godwit.orchestrator.cdc;

import dev.godwit.orchestrator.run.FullLoadFixtures;
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
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tables rewritten on the source (TRUNCATE, a rewriting ALTER TABLE) after the load's snapshot but before their copy
 * read them: under that snapshot they look empty. godwit copies them again under a newer snapshot, with that
 * snapshot's position as their sync position, so no row is lost and CDC skips the changes the copy already holds.
 *
 * <p>The moment is made deterministic with one copy worker held on the first (biggest) table: a session on the target
 * holds that table in SHARE mode, so its COPY waits there with the snapshot taken, while the source rewrites the
 * smaller tables; the target tables exist beforehand ({@code DO_NOTHING}) so that the lock can be taken before the run.
 */
@ExtendWith(PgExtension.class)
class RewriteDuringLoadIT {
    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void aTableTruncatedAndRefilledAfterTheSnapshotIsCopiedAgainAndItsEarlierChangesDoNotStopCdc(PgLab lab)
            throws Exception {
        TestDatabase source = lab.newDatabase(13);
        TestDatabase target = lab.newDatabase(17);
        String ddl = "CREATE TABLE big (id int PRIMARY KEY, pad text NOT NULL);"
                + "CREATE TABLE truncated (id int PRIMARY KEY, v int NOT NULL)";
        // the target keeps a foreign key of its own to the rewritten table: TRUNCATE refuses to empty it for the copy
        source.execute(ddl, "CREATE TABLE refs (id int PRIMARY KEY, truncated_id int)",
                "INSERT INTO big SELECT g, repeat('x', 200) FROM generate_series(1, 20000) g",
                "INSERT INTO truncated SELECT g, g FROM generate_series(1, 500) g",
                "INSERT INTO refs SELECT g, g FROM generate_series(1, 10) g", "ANALYZE");
        target.execute(ddl, "CREATE TABLE refs (id int PRIMARY KEY, truncated_id int REFERENCES truncated)");
        Path task = CdcTasks.write(dir, "truncated", source, target, """
                parallelism: 1
                targetTablePrepMode: DO_NOTHING
                validation:
                  enabled: false
                """);
        Process godwit;
        try (Connection gate = target.connect(); Statement g = gate.createStatement()) {
            gate.setAutoCommit(false);
            g.execute("LOCK TABLE big IN SHARE MODE");
            godwit = Godwit.start(dir, "start", task.toString());
            awaitCopyWaiting(target, "big", godwit);
            // after the snapshot: changes of the old rows, the TRUNCATE, new rows and a change of them
            source.execute("UPDATE truncated SET v = -v WHERE id <= 50", "DELETE FROM truncated WHERE id BETWEEN 51 AND 60",
                    "TRUNCATE truncated", "INSERT INTO truncated SELECT g, 2 * g FROM generate_series(1, 400) g",
                    "UPDATE truncated SET v = 0 WHERE id <= 5");
            gate.rollback();
        }
        try {
            Godwit.awaitLog(dir, Pattern.compile("cdc: streaming slot"), WAIT);
            source.execute("UPDATE truncated SET v = v + 1 WHERE id <= 100", "DELETE FROM truncated WHERE id > 390",
                    "INSERT INTO truncated VALUES (1000, 1000)", "UPDATE big SET pad = 'y' WHERE id <= 10");
            awaitEqual(source, target, List.of("truncated", "big", "refs"), godwit);
        } finally {
            Godwit.stopOrKill(task, godwit);
        }
        String events = String.join("\n", target.column("SELECT level || ': ' || message FROM godwit.event ORDER BY id"));
        assertTrue(Pattern.compile("WARN: table public.truncated was rewritten on the source \\(TRUNCATE or ALTER TABLE\\)"
                + " after the load's snapshot; copied again under a new snapshot at LSN [0-9A-F]+/[0-9A-F]+")
                .matcher(events).find(), events);
        assertEquals("t", target.value("SELECT s.sync_lsn > t.consistent_point FROM godwit.table_state s, godwit.task t"
                + " WHERE s.table_key = 'public.truncated'"), "the copy has a sync position of its own");
        assertEquals("t", target.value("SELECT sync_lsn IS NULL FROM godwit.table_state WHERE table_key = 'public.big'"),
                "the table left in place keeps the load's");
    }

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void tablesRewrittenByAlterTableOrTruncateAfterTheSnapshotLoseNoRow(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(17);
        TestDatabase target = lab.newDatabase(17);
        String ddl = "CREATE TABLE big (id int PRIMARY KEY, pad text NOT NULL);"
                + "CREATE TABLE altered (id int PRIMARY KEY, v int NOT NULL, note text);"
                + "CREATE TABLE parts (id int PRIMARY KEY, v text) PARTITION BY RANGE (id);"
                + "CREATE TABLE parts_1 PARTITION OF parts FOR VALUES FROM (0) TO (1000);"
                + "CREATE TABLE parts_2 PARTITION OF parts FOR VALUES FROM (1000) TO (2000)";
        source.execute(ddl, "INSERT INTO big SELECT g, repeat('x', 200) FROM generate_series(1, 20000) g",
                "INSERT INTO altered SELECT g, g, 'n' || g FROM generate_series(1, 300) g",
                "INSERT INTO parts SELECT g, 'p' || g FROM generate_series(1, 1999) g", "ANALYZE");
        target.execute(ddl);
        Path task = FullLoadFixtures.task(dir, "altered", source, target, FullLoadFixtures.PUBLIC_TABLES, 1,
                "targetTablePrepMode: DO_NOTHING");
        Process godwit;
        try (Connection gate = target.connect(); Statement g = gate.createStatement()) {
            gate.setAutoCommit(false);
            g.execute("LOCK TABLE big IN SHARE MODE");
            godwit = Godwit.start(dir, "start", task.toString());
            awaitCopyWaiting(target, "big", godwit);
            source.execute("ALTER TABLE altered ALTER COLUMN v TYPE bigint");
            source.execute("TRUNCATE parts_2", "INSERT INTO parts SELECT g, 'q' || g FROM generate_series(1000, 1499) g");
            gate.rollback();
        }
        try {
            assertTrue(godwit.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "the load ends");
            assertEquals(0, godwit.exitValue(), () -> Godwit.log(dir));
        } finally {
            godwit.destroyForcibly();
        }
        assertEquals("300", target.value("SELECT count(*) FROM altered"));
        for (String table : List.of("big", "altered", "parts")) {
            assertEquals(source.fingerprint(table), target.fingerprint(table), table);
        }
        String events = String.join("\n", target.column("SELECT message FROM godwit.event ORDER BY id"));
        for (String table : List.of("public.altered", "public.parts")) {
            assertTrue(events.contains("table " + table + " was rewritten on the source (TRUNCATE or ALTER TABLE) after"
                    + " the load's snapshot; copied again under a new snapshot"), events);
        }
        assertTrue(!events.contains("table public.big was rewritten"), events);
        assertEquals("300 300", target.value("SELECT sum(source_rows) || ' ' || sum(rows_copied) FROM godwit.unit"
                + " WHERE table_key = 'public.altered'"), "the counts the validation compares are those of the new copy");
    }

    /** Waits until godwit's COPY into {@code table} waits for the gate's lock on the target. */
    private void awaitCopyWaiting(TestDatabase target, String table, Process godwit) throws InterruptedException {
        await(() -> Long.parseLong(target.value("SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                + " WHERE NOT l.granted AND a.application_name LIKE 'godwit%' AND l.relation = to_regclass('public."
                + table + "')")) > 0, "the copy of " + table + " waiting", godwit);
    }

    private void awaitEqual(TestDatabase source, TestDatabase target, List<String> tables, Process godwit)
            throws InterruptedException {
        await(() -> tables.stream().allMatch(t -> source.fingerprint(t).equals(target.fingerprint(t))),
                "tables " + tables + " equal on both sides", godwit);
    }

    private void await(java.util.function.BooleanSupplier condition, String what, Process godwit)
            throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (!godwit.isAlive()) {
                throw new AssertionError("godwit ended before " + what + ":\n" + Godwit.log(dir));
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + WAIT);
            }
            Thread.sleep(100);
        }
    }
}
