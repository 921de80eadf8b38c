package dev.godwit.orchestrator.cdc;

import dev.godwit.orchestrator.cli.CliRun;
import dev.godwit.orchestrator.cli.ExitCodes;
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
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tables created on the source while changes stream join the task: one created and filled in one transaction while a
 * writer keeps changing it and an existing table (before, during and after its copy), one created while godwit is
 * stopped; a table the rules exclude stays out. At the cutover the joined tables get their sequences and identity
 * back like the others. And with {@code cdc.ddl.createTable: stop}, CDC ends naming the table and the fix.
 */
@ExtendWith(PgExtension.class)
class NewTablesIT {
    private static final Pattern STREAMING = Pattern.compile("cdc: streaming slot");
    /** Every table of public but those named scratch_*. */
    private static final String MAPPINGS = """
            {"rules": [{"rule-type": "selection", "rule-id": "1", "rule-name": "all", "rule-action": "include",
                        "object-locator": {"schema-name": "public", "table-name": "%"}},
                       {"rule-type": "selection", "rule-id": "2", "rule-name": "scratch", "rule-action": "exclude",
                        "object-locator": {"schema-name": "public", "table-name": "scratch_%"}}]}
            """;
    private static final String SETTINGS = """
            cdc:
              heartbeatInterval: 2s
            validation:
              enabled: false
            """;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void tablesCreatedUnderWritesAndWhileStoppedJoinTheTaskAndAreCutOver(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(13);
        TestDatabase target = lab.newDatabase(17);
        source.execute("CREATE TABLE orders (id serial PRIMARY KEY, note text)",
                "INSERT INTO orders (note) SELECT 'o' || g FROM generate_series(1, 500) g",
                "CREATE TABLE scratch_old (id int)");
        Path task = FullLoadFixtures.taskFile(dir, "newtables", "full-load-and-cdc", source, target, MAPPINGS, SETTINGS);
        Process godwit = Godwit.start(dir, "start", task.toString());
        try {
            Godwit.awaitLog(dir, STREAMING, Duration.ofSeconds(120));
            source.execute("""
                    BEGIN;
                    CREATE TABLE shipments (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                        order_id int NOT NULL REFERENCES orders, note text, at timestamptz DEFAULT now());
                    CREATE INDEX shipments_order ON shipments (order_id);
                    INSERT INTO shipments (order_id, note) SELECT g, 's' || g FROM generate_series(1, 300) g;
                    COMMIT;
                    CREATE TABLE scratch_notes (id int PRIMARY KEY);
                    INSERT INTO scratch_notes VALUES (1);
                    """);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong transactions = new AtomicLong();
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> write(source, stop, transactions));
            try {
                Godwit.awaitLog(dir, Pattern.compile("reload \\d+ of public.shipments done"), Duration.ofSeconds(120));
                long at = transactions.get();
                awaitTransactions(transactions, at + 150, writer);
            } finally {
                stop.set(true);
            }
            writer.get(60, TimeUnit.SECONDS);
            CdcIT.awaitEqual(source, target, List.of("orders", "shipments"), Duration.ofSeconds(120));
            assertEquals("1", target.value("SELECT count(*) FROM pg_indexes WHERE indexname = 'shipments_order'"));
            assertEquals("1", target.value("SELECT count(*) FROM pg_constraint WHERE conrelid = 'shipments'::regclass"
                    + " AND contype = 'f'"), "the foreign key came with the table");
            assertEquals("0", target.value("SELECT count(*) FROM pg_class WHERE relname = 'scratch_notes'"),
                    "a table the rules exclude stays out");
            assertEquals(ExitCodes.OK, CliRun.of("stop", task.toString()).exitCode());
            assertTrue(godwit.waitFor(60, TimeUnit.SECONDS), "godwit stops");
        } finally {
            godwit.destroyForcibly();
        }

        source.execute("CREATE TABLE audit (id serial PRIMARY KEY, what text)",
                "INSERT INTO audit (what) SELECT 'while stopped ' || g FROM generate_series(1, 50) g");
        Process resumed = Godwit.start(dir, "resume", task.toString());
        try {
            Godwit.awaitLog(dir, STREAMING, Duration.ofSeconds(120));
            source.execute("INSERT INTO audit (what) VALUES ('after the resume')",
                    "INSERT INTO shipments (order_id, note) VALUES (7, 'after the resume')");
            CdcIT.awaitEqual(source, target, List.of("orders", "shipments", "audit"), Duration.ofSeconds(120));
            CliRun cutover = CliRun.of("cutover", task.toString(), "--fence");
            assertEquals(ExitCodes.OK, cutover.exitCode(), () -> cutover + "\n" + Godwit.log(dir));
            assertTrue(resumed.waitFor(60, TimeUnit.SECONDS), "godwit ends with the cutover");
        } finally {
            resumed.destroyForcibly();
        }
        assertEquals("a", target.value("SELECT attidentity FROM pg_attribute WHERE attrelid = 'shipments'::regclass"
                + " AND attname = 'id'"), "GENERATED ALWAYS again after the cutover");
        // the sequences of the joined tables were set at the cutover: the application's next rows do not collide
        target.execute("INSERT INTO shipments (order_id, note) VALUES (1, 'on the new primary')",
                "INSERT INTO audit (what) VALUES ('on the new primary')");
        assertEquals(target.value("SELECT count(*) FROM public.audit"), target.value("SELECT max(id) FROM audit"));
        String events = target.value("SELECT string_agg(message, ' | ') FROM godwit.event WHERE step = 'cdc'");
        assertTrue(events.contains("new source tables [public.shipments] join the task"), events);
        assertTrue(events.contains("new source tables [public.audit] join the task"), events);
        assertEquals("2", target.value("SELECT count(*) FROM godwit.reload WHERE state = 'done'"));
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void withCreateTableStopCdcEndsNamingTheTableAndTheFix(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(17);
        TestDatabase target = lab.newDatabase(17);
        source.execute("CREATE TABLE orders (id serial PRIMARY KEY, note text)", "CREATE TABLE scratch_old (id int)");
        Path task = FullLoadFixtures.taskFile(dir, "refusenew", "full-load-and-cdc", source, target, MAPPINGS,
                """
                cdc:
                  heartbeatInterval: 2s
                  ddl:
                    createTable: stop
                validation:
                  enabled: false
                """);
        Process godwit = Godwit.start(dir, "start", task.toString());
        try {
            Godwit.awaitLog(dir, STREAMING, Duration.ofSeconds(120));
            source.execute("CREATE TABLE invoices (id int PRIMARY KEY)");
            assertTrue(godwit.waitFor(120, TimeUnit.SECONDS), "CDC ends");
            assertEquals(ExitCodes.FAILED, godwit.exitValue(), Godwit.log(dir));
        } finally {
            godwit.destroyForcibly();
        }
        CliRun status = CliRun.of("status", task.toString());
        assertTrue(status.out().contains("public.invoices") && status.out().contains("cdc.ddl.createTable is stop"),
                status.out());
        assertEquals("0", target.value("SELECT count(*) FROM pg_class WHERE relname = 'invoices'"));
    }

    /** Inserts, updates and deletes in orders and shipments, a transaction at a time, until told to stop. */
    private static void write(TestDatabase source, AtomicBoolean stop, AtomicLong transactions) {
        try (Connection c = source.connect(); Statement st = c.createStatement()) {
            for (int i = 1; !stop.get(); i++) {
                st.execute("BEGIN");
                st.execute("INSERT INTO orders (note) VALUES ('w" + i + "')");
                st.execute("INSERT INTO shipments (order_id, note) SELECT max(id), 'w" + i + "' FROM orders");
                st.execute("UPDATE shipments SET note = note || '+' WHERE id = " + (1 + i * 7 % 300));
                if (i % 5 == 0) {
                    st.execute("DELETE FROM shipments WHERE id = (SELECT min(id) FROM shipments)");
                }
                st.execute("COMMIT");
                transactions.incrementAndGet();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void awaitTransactions(AtomicLong transactions, long count, CompletableFuture<Void> writer)
            throws InterruptedException {
        while (transactions.get() < count) {
            if (writer.isDone()) {
                writer.join(); // throws the writer's failure
                throw new AssertionError("the writer ended early");
            }
            Thread.sleep(50);
        }
    }
}
