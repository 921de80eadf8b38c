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
import java.util.function.Consumer;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Changes are applied with the semantics of PostgreSQL's own apply worker: a cascade the source made (ON UPDATE
 * CASCADE into a child's key, ON DELETE CASCADE) arrives as the child's own changes and is not made a second time by
 * the target's foreign-key actions, and a target trigger does not fire on a replicated change. Identity columns
 * GENERATED ALWAYS take replicated INSERTs and UPDATEs (also under REPLICA IDENTITY FULL) and are ALWAYS again after
 * the cutover. A sequence that no column owns but a DEFAULT uses is set at cutover, so the application's next insert
 * on the target gets a fresh key. Unlogged tables, whose changes are not in the WAL, are copied again inside the
 * cutover, and so are large objects. A table without columns keeps its number of rows.
 */
@ExtendWith(PgExtension.class)
class ReplicaSemanticsIT {
    private static final String SCHEMA = """
            CREATE TABLE parent (id int PRIMARY KEY, name text);
            CREATE TABLE child (parent_id int REFERENCES parent ON UPDATE CASCADE ON DELETE CASCADE, n int, note text,
                                PRIMARY KEY (parent_id, n));
            CREATE TABLE versioned (id int PRIMARY KEY, note text, version int NOT NULL DEFAULT 1);
            CREATE FUNCTION bump() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN NEW.version := OLD.version + 1; RETURN NEW; END $$;
            CREATE TRIGGER versioned_bump BEFORE UPDATE ON versioned FOR EACH ROW EXECUTE FUNCTION bump();
            CREATE SEQUENCE ticket_seq START 100;
            CREATE TABLE ticket (id bigint PRIMARY KEY DEFAULT nextval('ticket_seq'), subject text);
            CREATE TABLE customers (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text);
            CREATE TABLE customers_full (id int GENERATED ALWAYS AS IDENTITY, name text);
            ALTER TABLE customers_full REPLICA IDENTITY FULL;
            CREATE TABLE markers (name text PRIMARY KEY);
            CREATE UNLOGGED TABLE rate_limits (key text PRIMARY KEY, hits int NOT NULL);
            CREATE UNLOGGED TABLE rate_limit_hits (key text REFERENCES rate_limits, at int);
            CREATE TABLE docs (id int PRIMARY KEY, body oid);
            INSERT INTO docs VALUES (1, lo_from_bytea(0, 'first')), (2, lo_from_bytea(0, repeat('big', 700000)::bytea));
            CREATE TABLE nothing ();
            ALTER TABLE nothing REPLICA IDENTITY FULL;
            INSERT INTO nothing SELECT FROM generate_series(1, 3);
            INSERT INTO rate_limits VALUES ('a', 1), ('b', 1);
            INSERT INTO rate_limit_hits VALUES ('a', 1), ('b', 1);
            INSERT INTO parent SELECT g, 'p' || g FROM generate_series(1, 20) g;
            INSERT INTO child SELECT p, n, 'c' FROM generate_series(1, 20) p, generate_series(1, 5) n;
            INSERT INTO versioned SELECT g, 'v', 1 FROM generate_series(1, 10) g;
            INSERT INTO ticket (subject) SELECT 't' || g FROM generate_series(1, 10) g;
            INSERT INTO customers (name) SELECT 'c' || g FROM generate_series(1, 10) g;
            INSERT INTO customers_full (name) SELECT 'c' || g FROM generate_series(1, 10) g;
            """;
    private static final List<String> TABLES = List.of("parent", "child", "versioned", "ticket", "customers",
            "customers_full", "docs", "nothing", "markers");

    @TempDir
    Path dir;

    /** A superuser target role: the applier's session runs in replica mode. */
    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void cascadesAndTriggersAreNotRepeatedIdentityAlwaysTakesReplicatedValuesAndSequencesAreSetAtCutover(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(13);
        TestDatabase target = lab.newDatabase(17);
        migrate(source, target, target.url(), ReplicaSemanticsIT::truncateWhileTheRecopyWaits, cutover ->
        {
            assertTrue(cutover.out().contains("unlogged table \"public\".\"rate_limit_hits\" was rewritten on the source"
                    + " (TRUNCATE) during the copy"), cutover.out());
            assertTrue(cutover.out().contains("unlogged table public.rate_limit_hits copied again: 2 rows"), cutover.out());
        });
        assertTrue(Godwit.log(dir).contains("runs in replica mode"), Godwit.log(dir));
    }

    /**
     * The application empties and refills an unlogged table while the cutover's copy waits for its lock: the copy's
     * snapshot predates the TRUNCATE, under which the table reads as empty; the copy is made again under a new one.
     */
    private static AutoCloseable truncateWhileTheRecopyWaits(TestDatabase source) throws Exception {
        Connection application = source.connect();
        application.setAutoCommit(false);
        try (Statement s = application.createStatement()) {
            s.execute("TRUNCATE rate_limit_hits");
            s.execute("INSERT INTO rate_limit_hits VALUES ('a', 9), ('b', 9)");
        }
        CompletableFuture<Void> committed = CompletableFuture.runAsync(() -> {
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (source.value("SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid)"
                        + " WHERE NOT l.granted AND l.relation = 'rate_limit_hits'::regclass AND a.query LIKE 'COPY %'")
                        .equals("0")) {
                    assertTrue(System.nanoTime() < deadline, "the cutover's copy never waited for the table");
                    Thread.sleep(50);
                }
                application.commit();
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
        return () -> {
            try {
                committed.get(3, TimeUnit.MINUTES);
            } finally {
                application.close();
            }
        };
    }

    /**
     * A target role that owns its database but may not set session_replication_role: the fallback disables the
     * target's triggers and leaves out the foreign keys with an action while changes stream, and the cutover switches
     * them on; the outcome is the same.
     */
    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void withoutReplicaModeTriggersAreOffAndCascadingKeysAbsentUntilTheCutoverSwitchesThemOn(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(13);
        TestDatabase target = lab.newDatabase(17);
        String role = "applier_" + target.name();
        target.execute("CREATE ROLE " + role + " LOGIN", "ALTER DATABASE " + target.name() + " OWNER TO " + role,
                "ALTER SCHEMA public OWNER TO " + role);
        migrate(source, target, target.server().url(target.name(), role), db -> () -> {
        }, cutover -> {
            assertTrue(cutover.out().contains("switched on now: trigger versioned_bump on \"public\".\"versioned\""), cutover.out());
            assertTrue(cutover.out().contains("foreign keys with an ON UPDATE/ON DELETE action created now"
                    + " (they were left out while changes streamed without replica mode): 1"), cutover.out());
        });
        assertTrue(Godwit.log(dir).contains("may not set session_replication_role"), Godwit.log(dir));
        assertEquals("O", target.value("SELECT tgenabled FROM pg_trigger WHERE tgname = 'versioned_bump'"));
        assertEquals("FOREIGN KEY (parent_id) REFERENCES parent(id) ON UPDATE CASCADE ON DELETE CASCADE",
                target.value("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'child'::regclass"
                        + " AND contype = 'f'"));
        target.execute("DELETE FROM parent WHERE id = 101");
        assertEquals("0", target.value("SELECT count(*) FROM child WHERE parent_id = 101"), "the cascade is active");
    }

    /** Something the application does on the source while the cutover runs; closed once the cutover ended. */
    @FunctionalInterface
    private interface DuringCutover {
        AutoCloseable start(TestDatabase source) throws Exception;
    }

    private void migrate(TestDatabase source, TestDatabase target, String targetUrl, DuringCutover during,
                         Consumer<CliRun> checkCutover) throws Exception {
        source.execute(SCHEMA);
        Path task = FullLoadFixtures.taskFile(dir, "replica", "full-load-and-cdc", source.url(), targetUrl,
                FullLoadFixtures.PUBLIC_TABLES, "validation:\n  enabled: false\n");
        Process godwit = Godwit.start(dir, "start", task.toString());
        try {
            Godwit.awaitLog(dir, Pattern.compile("cdc: streaming slot"), Duration.ofSeconds(120));
            // the application's own trigger: the full load created it on the target, as on the source
            assertEquals("versioned_bump", target.value("SELECT tgname FROM pg_trigger"
                    + " WHERE tgrelid = 'versioned'::regclass AND NOT tgisinternal"));
            source.execute("UPDATE parent SET id = id + 100 WHERE id <= 5", // cascades into child's key
                    "DELETE FROM parent WHERE id BETWEEN 6 AND 8", // cascades to their children
                    "UPDATE versioned SET note = 'changed' WHERE id <= 4", // the trigger makes version 2
                    "INSERT INTO ticket (subject) SELECT 'new' || g FROM generate_series(1, 5) g",
                    "INSERT INTO customers (name) SELECT 'new' || g FROM generate_series(1, 5) g",
                    "UPDATE customers SET name = 'renamed' WHERE id <= 3",
                    "INSERT INTO customers_full (name) VALUES ('new')",
                    "UPDATE customers_full SET name = 'renamed' WHERE id <= 3",
                    "DELETE FROM customers_full WHERE id = 4",
                    "INSERT INTO docs VALUES (3, lo_from_bytea(0, 'during changes'))",
                    "SELECT lo_put((SELECT body FROM docs WHERE id = 1), 0, 'FIRST')",
                    "INSERT INTO nothing SELECT FROM generate_series(1, 2)",
                    "DELETE FROM nothing WHERE ctid = (SELECT min(ctid) FROM nothing)",
                    "UPDATE rate_limits SET hits = hits + 1",
                    "INSERT INTO rate_limits VALUES ('c', 1)",
                    "INSERT INTO rate_limit_hits VALUES ('c', 2), ('a', 2)",
                    "INSERT INTO markers VALUES ('done')");
            CdcIT.awaitEqual(source, target, TABLES, Duration.ofSeconds(120));
            assertEquals("2", target.value("SELECT count(*) FROM rate_limits"), "unlogged: nothing streamed");
            assertEquals("2", target.value("SELECT max(version) FROM versioned"), "the target trigger did not fire");
            assertEquals("25", target.value("SELECT count(*) FROM child WHERE parent_id > 100"));

            CliRun cutover;
            try (AutoCloseable application = during.start(source)) {
                cutover = CliRun.of("cutover", task.toString());
            }
            assertEquals(ExitCodes.OK, cutover.exitCode(), cutover + "\n" + Godwit.log(dir));
            assertTrue(cutover.out().contains("unlogged table public.rate_limits copied again: 3 rows"), cutover.out());
            assertTrue(cutover.out().contains("large objects: 2 copied, 1 already equal"), cutover.out());
            checkCutover.accept(cutover);
            assertTrue(godwit.waitFor(60, TimeUnit.SECONDS), "godwit ends with the cutover");
        } finally {
            godwit.destroyForcibly();
        }
        String contents = "SELECT string_agg(id || ':' || md5(lo_get(body)), ',' ORDER BY id) FROM docs";
        assertEquals(source.value(contents), target.value(contents), "large objects carried, changed ones again");
        CliRun validate = CliRun.of("validate", task.toString(), "--content");
        assertEquals(ExitCodes.OK, validate.exitCode(), validate.toString());
        for (String unlogged : List.of("rate_limits", "rate_limit_hits")) {
            assertEquals(source.fingerprint(unlogged), target.fingerprint(unlogged), unlogged);
        }
        assertEquals("u", target.value("SELECT relpersistence FROM pg_class WHERE oid = 'rate_limits'::regclass"));
        assertEquals(source.value("SELECT last_value FROM ticket_seq"), target.value("SELECT last_value FROM ticket_seq"));
        target.execute("INSERT INTO ticket (subject) VALUES ('after cutover')");
        assertEquals("115", target.value("SELECT max(id) FROM ticket"), "a fresh key from the carried sequence");
        assertEquals(List.of("a", "a"), target.column("SELECT attidentity FROM pg_attribute WHERE attname = 'id'"
                + " AND attrelid IN ('customers'::regclass, 'customers_full'::regclass)"), "ALWAYS again after cutover");
        target.execute("INSERT INTO customers (name) VALUES ('after cutover')");
        assertEquals("16", target.value("SELECT max(id) FROM customers"), "the identity sequence was carried over");
    }
}
