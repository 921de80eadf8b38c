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
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code godwit reload} while a live writer changes every table: the reloaded table's copy is held open by a lock on
 * the target (its TRUNCATE waits), and meanwhile the other tables' changes must keep arriving while the reloaded
 * table receives none; once the copy commits, every table is equal. Then a reload during which godwit is killed with
 * SIGKILL, and resumed: the reload is done again, every table equal.
 */
@ExtendWith(PgExtension.class)
class ReloadIT {
    private static final Pattern STREAMING = Pattern.compile("cdc: streaming slot");

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void reloadsATableUnderWritesWhileTheOthersStreamOnAndAgainAfterAKill9(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(13);
        TestDatabase target = lab.newDatabase(17);
        source.execute(SourceWriter.SCHEMA);
        Path task = CdcTasks.write(dir, "reloadtest", source, target, """
                parallelism: 2
                cdc:
                  heartbeatInterval: 2s
                validation:
                  enabled: false
                """);
        Process godwit = Godwit.start(dir, "start", task.toString());
        try {
            SourceWriter writer = new SourceWriter(source, 11);
            Godwit.awaitLog(dir, STREAMING, Duration.ofSeconds(120));
            writer.awaitTransactions(200, Duration.ofSeconds(60));

            // 1. a reload whose copy is held open: the others stream on, the reloaded table gets nothing meanwhile
            CompletableFuture<CliRun> reload;
            try (Connection hold = target.connect()) {
                hold.setAutoCommit(false);
                exec(hold, "LOCK TABLE accounts IN ACCESS SHARE MODE"); // the reload's TRUNCATE waits for it
                reload = CompletableFuture.supplyAsync(() -> CliRun.of("reload", task.toString(), "accounts"));
                await(() -> "copying".equals(value(target, "SELECT state FROM godwit.reload WHERE id = 1")),
                        Duration.ofSeconds(60), "reload 1 copying");
                String status = CliRun.of("status", task.toString()).out();
                assertTrue(Pattern.compile("public\\.accounts\\s+reloading").matcher(status).find(), status);
                String accountsBefore = query(hold, "SELECT count(*) || md5(string_agg(t::text, '' ORDER BY id))"
                        + " FROM accounts t");
                long eventsBefore = Long.parseLong(query(hold, "SELECT count(*) FROM events"));
                long accountsTransactions = writer.transactions();
                for (int i = 0; i < 3; i++) {
                    writer.awaitTransactions(writer.transactions() + 50, Duration.ofSeconds(60));
                    String marker = "during-reload-" + i;
                    long written = System.nanoTime();
                    SourceWriter.mark(source, marker);
                    await(() -> "1".equals(value(target, "SELECT count(*) FROM markers WHERE name = '" + marker + "'")),
                            Duration.ofSeconds(60), "marker " + marker + " applied during the reload");
                    long lagMillis = (System.nanoTime() - written) / 1_000_000;
                    System.out.println("apply lag of table markers during the reload of accounts: " + lagMillis + " ms");
                }
                assertEquals("copying", value(target, "SELECT state FROM godwit.reload WHERE id = 1"),
                        "the copy was still held open while the markers arrived");
                long eventsDuring = Long.parseLong(query(hold, "SELECT count(*) FROM events"));
                assertNotEquals(eventsBefore, eventsDuring, "events kept being applied during the reload");
                assertTrue(writer.transactions() > accountsTransactions + 100);
                assertEquals(accountsBefore, query(hold, "SELECT count(*) || md5(string_agg(t::text, '' ORDER BY id))"
                        + " FROM accounts t"), "no change of accounts is applied while it is being copied");
                hold.commit();
            }
            CliRun done = reload.get(120, TimeUnit.SECONDS);
            assertEquals(ExitCodes.OK, done.exitCode(), done::toString);
            assertTrue(done.out().contains("Reload done"), done::toString);
            writer.awaitTransactions(writer.transactions() + 100, Duration.ofSeconds(60));
            writer.close();
            SourceWriter.mark(source, "after-reload");
            CdcIT.awaitEqual(source, target, Duration.ofSeconds(120));
            assertEquals("ready", value(target, "SELECT state FROM godwit.table_state WHERE table_key = 'public.accounts'"));
            String events = String.join("\n", target.column("SELECT message FROM godwit.event WHERE step = 'reload' ORDER BY id"));
            assertTrue(events.contains("reload 1 of public.accounts started") && events.contains("reload 1 of public.accounts done"),
                    events);

            // 2. killed during a reload of two tables, resumed: the reload is done again
            writer = new SourceWriter(source, 12);
            try (Connection hold = target.connect()) {
                hold.setAutoCommit(false);
                exec(hold, "LOCK TABLE events IN ACCESS SHARE MODE");
                CompletableFuture<CliRun> second = CompletableFuture.supplyAsync(() ->
                        CliRun.of("reload", task.toString(), "events", "public.swap_unique"));
                await(() -> "copying".equals(value(target, "SELECT state FROM godwit.reload WHERE id = 2")),
                        Duration.ofSeconds(60), "reload 2 copying");
                writer.awaitTransactions(writer.transactions() + 100, Duration.ofSeconds(60));
                godwit.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                CliRun interrupted = second.get(60, TimeUnit.SECONDS);
                assertEquals(ExitCodes.FAILED, interrupted.exitCode(), interrupted::toString);
                hold.commit();
            }
            assertEquals("reloading", value(target, "SELECT state FROM godwit.table_state WHERE table_key = 'public.events'"));
            writer.awaitTransactions(writer.transactions() + 100, Duration.ofSeconds(60));
            godwit = Godwit.start(dir, "resume", task.toString());
            await(() -> "done".equals(value(target, "SELECT state FROM godwit.reload WHERE id = 2")),
                    Duration.ofSeconds(120), "reload 2 done after the resume");
            writer.awaitTransactions(writer.transactions() + 100, Duration.ofSeconds(60));
            writer.close();
            SourceWriter.mark(source, "after-kill");
            CdcIT.awaitEqual(source, target, Duration.ofSeconds(120));
            assertEquals("0", value(target, "SELECT count(*) FROM godwit.table_state WHERE state <> 'ready'"));
        } catch (AssertionError | Exception e) {
            System.err.println("godwit log:\n" + Godwit.log(dir));
            throw e;
        } finally {
            Godwit.stopOrKill(task, godwit);
        }
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String query(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static String value(TestDatabase db, String sql) {
        try {
            return db.value(sql);
        } catch (IllegalStateException e) {
            return null;
        }
    }

    private static void await(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + timeout);
            }
            Thread.sleep(100);
        }
    }
}
