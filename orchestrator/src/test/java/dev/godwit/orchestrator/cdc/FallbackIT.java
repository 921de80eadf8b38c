package dev.godwit.orchestrator.cdc;

import dev.godwit.orchestrator.cli.CliRun;
import dev.godwit.orchestrator.cli.ExitCodes;
import dev.godwit.orchestrator.run.FullLoadFixtures;
import dev.godwit.workers.testkit.PgExtension;
import dev.godwit.workers.testkit.PgLab;
import dev.godwit.workers.testkit.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The way back on real servers: a cutover with fallback under live writes, then the application writing to the new
 * primary, then {@code godwit fallback}; the old source must end equal to the new primary's final state, table by table
 * and row by row, with its sequences not behind — with godwit running the reverse stream throughout, and with godwit
 * killed (SIGKILL, a separate process) again and again while it streams back.
 */
@ExtendWith(PgExtension.class)
class FallbackIT {
    private static final List<String> TABLES = List.of("accounts", "events", "keyless", "markers", "swap_unique",
            "tickets");
    /** A table whose key is GENERATED ALWAYS on the source: the reverse stream must write the new primary's values. */
    private static final String TICKETS = """
            CREATE TABLE tickets (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, note text NOT NULL);
            INSERT INTO tickets (note) SELECT 'before ' || g FROM generate_series(1, 100) g;
            """;
    private static final Pattern STREAMING_BACK = Pattern.compile("fallback: streaming slot");

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();
    private final List<TestDatabase> fenced = new ArrayList<>();
    private final List<WalTrail> trails = new ArrayList<>();

    @RegisterExtension
    final LogOnFailure logOnFailure = new LogOnFailure(() -> dir);

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void afterACutoverWithFallbackTheSourceTakesEveryWriteOfTheNewPrimaryAndEndsEqualToIt(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(13);
        TestDatabase target = lab.newDatabase(17);
        fenced.addAll(List.of(source, target));
        Path task = start(source, target, "back");
        Process godwit = processes.get(0);
        SourceWriter onSource = new SourceWriter(source, 3);
        onSource.awaitTransactions(300, Duration.ofSeconds(60));

        CliRun cutover = CliRun.of("cutover", task.toString(), "--fence", "--with-fallback");
        onSource.closeAfterFence();
        assertEquals(ExitCodes.OK, cutover.exitCode(), cutover.toString());
        assertTrue(cutover.out().contains("fallback: target publication godwit_back_fallback"), cutover.out());
        for (String table : TABLES) {
            assertEquals(source.fingerprint(table), target.fingerprint(table), table);
        }
        Godwit.awaitLog(dir, STREAMING_BACK, Duration.ofSeconds(60));
        assertTrue(godwit.isAlive(), "the process that cut over streams the new primary's changes back");

        try (SourceWriter onTarget = new SourceWriter(target, 8)) {
            onTarget.awaitTransactions(400, Duration.ofSeconds(90));
            ticketsWrittenOn(target);
        }
        CliRun status = CliRun.of("status", task.toString());
        assertTrue(status.out().contains("fallback: the target's changes stream back to the source"), status.out());

        fallBack(task, source, target);
        assertTrue(godwit.waitFor(60, TimeUnit.SECONDS), "the stream's process stops for the fallback");
        assertEquals(0, godwit.exitValue());
    }

    /**
     * Six kills by default; {@code -Dfallbackit.kills=N} kills more often, to look for a rare loss. When the fallback
     * finds a difference, the WAL of the one server both databases share says which target transactions the source
     * lacks and where the origin stood around them ({@link WalTrail}).
     */
    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void theReverseStreamKilledSixTimesAndResumedLosesNothingAndRepeatsNothing(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(17);
        TestDatabase target = lab.newDatabase(17);
        WalTrail trail = WalTrail.on(lab.newDatabase(17));
        trails.add(trail);
        fenced.addAll(List.of(source, target));
        Path task = start(source, target, "killed");
        try (SourceWriter onSource = new SourceWriter(source, 4)) {
            onSource.awaitTransactions(200, Duration.ofSeconds(60));
        }
        CliRun cutover = CliRun.of("cutover", task.toString(), "--with-fallback");
        assertEquals(ExitCodes.OK, cutover.exitCode(), cutover.toString());
        for (String table : TABLES) {
            assertEquals(source.fingerprint(table), target.fingerprint(table), () -> "after the cutover: " + table
                    + differences(table, target, source));
        }
        trail.audit(target, TABLES);
        trail.from(target.value("SELECT confirmed_flush_lsn FROM pg_replication_slots"
                + " WHERE slot_name = 'godwit_killed_fallback'"));
        Process godwit = processes.get(0);
        Random random = new Random(20261205);
        int kills = Integer.getInteger("fallbackit.kills", 6);
        try (SourceWriter onTarget = new SourceWriter(target, 9, 6)) {
            for (int i = 0; i < kills; i++) {
                Godwit.awaitLogCount(dir, STREAMING_BACK, i + 1, Duration.ofSeconds(120));
                onTarget.awaitTransactions(onTarget.transactions() + 20 + random.nextInt(80), Duration.ofSeconds(60));
                if (i == 2) {
                    SourceWriter.bigTransaction(target, 50_000); // a kill while it is applied, or soon after
                }
                godwit.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                godwit = godwit("resume", task.toString());
            }
            Godwit.awaitLogCount(dir, STREAMING_BACK, kills + 1, Duration.ofSeconds(120));
            onTarget.awaitTransactions(onTarget.transactions() + 50, Duration.ofSeconds(60));
            ticketsWrittenOn(target);
        }
        try {
            fallBack(task, source, target);
        } catch (AssertionError e) {
            System.err.println("godwit log:\n" + Godwit.log(dir)); // before the temporary directory goes
            System.err.println(trail.explain(TABLES, target, source));
            throw e;
        }
        assertTrue(godwit.waitFor(60, TimeUnit.SECONDS), "the resumed process stops for the fallback");
        assertEquals("50000", source.value("SELECT count(*) FROM events WHERE kind = 'big'"));
    }

    /**
     * Mappings that do not reverse exactly (a row filter, a type change) make the cutover refuse before anything is
     * changed, naming each table and rule; a rename alone is fine. A fallback without a cutover with fallback is
     * refused too.
     */
    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void aCutoverWithFallbackIsRefusedUpFrontWhenTheMappingsDoNotReverse(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(13);
        TestDatabase target = lab.newDatabase(17);
        source.execute(SourceWriter.SCHEMA, TICKETS);
        Path task = FullLoadFixtures.taskFile(dir, "oneway", "full-load-and-cdc", source, target, """
                {"rules": [
                  {"rule-type": "selection", "rule-id": "1", "rule-name": "all", "rule-action": "include",
                   "object-locator": {"schema-name": "public", "table-name": "%"}},
                  {"rule-type": "selection", "rule-id": "2", "rule-name": "some-accounts", "rule-action": "include",
                   "object-locator": {"schema-name": "public", "table-name": "accounts"},
                   "filters": [{"filter-type": "source", "column-name": "id",
                                "filter-conditions": [{"filter-operator": "between", "start-value": "1", "end-value": "15000"}]}]},
                  {"rule-type": "transformation", "rule-id": "3", "rule-name": "widen", "rule-target": "column",
                   "object-locator": {"schema-name": "public", "table-name": "swap_unique", "column-name": "id"},
                   "rule-action": "change-data-type", "data-type": {"type": "int8"}},
                  {"rule-type": "transformation", "rule-id": "4", "rule-name": "rename", "rule-target": "column",
                   "object-locator": {"schema-name": "public", "table-name": "markers", "column-name": "name"},
                   "rule-action": "rename", "value": "label"}
                ]}
                """, """
                parallelism: 2
                cdc:
                  heartbeatInterval: 2s
                """);
        Process godwit = godwit("start", task.toString());
        Godwit.awaitLog(dir, Pattern.compile("cdc: streaming slot"), Duration.ofSeconds(120));

        CliRun early = CliRun.of("fallback", task.toString());
        assertEquals(ExitCodes.BAD_INPUT, early.exitCode(), early.toString());
        assertTrue(early.err().contains("--with-fallback"), early.toString());

        CliRun cutover = CliRun.of("cutover", task.toString(), "--with-fallback");
        assertEquals(ExitCodes.BAD_INPUT, cutover.exitCode(), cutover.toString());
        assertTrue(cutover.err().contains("public.accounts -> public.accounts: a row filter"), cutover.toString());
        assertTrue(cutover.err().contains("column id changes type"), cutover.toString());
        assertFalse(cutover.err().contains("markers"), "a rename reverses: " + cutover);
        assertEquals("CDC", target.value("SELECT phase FROM godwit.task"));
        assertEquals("0", target.value("SELECT count(*) FROM pg_replication_slots WHERE slot_name LIKE '%_fallback'"));
        assertTrue(godwit.isAlive(), "the task goes on streaming");
        Godwit.stopOrKill(task, godwit);

        // a task that asks for a fallback in its file hears of it from preflight, before it starts
        Path other = Files.createDirectories(dir.resolve("other"));
        Files.writeString(other.resolve("mappings.json"), Files.readString(dir.resolve("mappings.json")));
        Path asking = Files.writeString(other.resolve("task.yaml"), Files.readString(task)
                .replace("name: oneway", "name: asking") + "  cutover:\n    withFallback: true\n");
        CliRun preflight = CliRun.of("preflight", asking.toString());
        assertEquals(ExitCodes.PREFLIGHT_BLOCKERS, preflight.exitCode(), preflight.toString());
        assertTrue(preflight.out().contains("mapping not reversible: public.accounts -> public.accounts: a row filter"),
                preflight.toString());
    }

    /** Inserts through the identity (GENERATED ALWAYS on both sides), an update and a delete, on the new primary. */
    private static void ticketsWrittenOn(TestDatabase target) {
        target.execute("INSERT INTO tickets (note) SELECT 'after ' || g FROM generate_series(1, 20) g",
                "UPDATE tickets SET note = note || ' changed' WHERE id = 3",
                "DELETE FROM tickets WHERE id = 4");
    }

    /**
     * Falls back and checks the outcome: every table equal, sequences not behind, the reverse objects gone, the
     * source writable and the new primary read-only.
     */
    private void fallBack(Path task, TestDatabase source, TestDatabase target) {
        CliRun fallback = CliRun.of("fallback", task.toString());
        assertEquals(ExitCodes.OK, fallback.exitCode(), fallback.toString());
        assertTrue(fallback.out().contains(": done."), fallback.out());
        for (String table : TABLES) {
            assertEquals(target.fingerprint(table), source.fingerprint(table), () -> table + differences(table, target,
                    source));
        }
        for (String sequence : List.of("events_id_seq", "tickets_id_seq")) {
            assertTrue(Long.parseLong(source.value("SELECT last_value FROM " + sequence))
                    >= Long.parseLong(target.value("SELECT last_value FROM " + sequence)), sequence + " is not behind");
        }
        assertEquals("FALLEN_BACK", target.value("SELECT phase FROM godwit.task"));
        assertEquals("fallen_back", target.value("SELECT state FROM godwit.fallback"));
        assertEquals("0", target.value("SELECT count(*) FROM pg_replication_slots WHERE slot_name LIKE '%_fallback'"));
        assertEquals("0", target.value("SELECT count(*) FROM pg_publication WHERE pubname LIKE '%_fallback'"));
        assertEquals("0", source.value("SELECT count(*) FROM pg_replication_origin"));
        assertEquals("a", source.value("SELECT attidentity FROM pg_attribute WHERE attrelid = 'tickets'::regclass"
                + " AND attname = 'id'"), "the identity is ALWAYS again");
        source.execute("INSERT INTO tickets (note) VALUES ('the source is the primary again')");
        assertThrows(IllegalStateException.class, () -> target.execute("INSERT INTO markers VALUES ('after')"),
                "the new primary is fenced");
        CliRun again = CliRun.of("fallback", task.toString());
        assertEquals(ExitCodes.BAD_INPUT, again.exitCode(), again.toString());
    }

    /** The rows of {@code table} that only one side has, for the message of a failed comparison. */
    private static String differences(String table, TestDatabase target, TestDatabase source) {
        String rows = "SELECT t::text FROM " + table + " t ORDER BY 1";
        java.util.Set<String> onTarget = new java.util.TreeSet<>(target.column(rows));
        java.util.Set<String> onSource = new java.util.TreeSet<>(source.column(rows));
        java.util.Set<String> targetOnly = new java.util.TreeSet<>(onTarget);
        targetOnly.removeAll(onSource);
        onSource.removeAll(onTarget);
        return "\n  only on the target: " + targetOnly.stream().limit(10).toList()
                + "\n  only on the source: " + onSource.stream().limit(10).toList();
    }

    private Path start(TestDatabase source, TestDatabase target, String name) throws Exception {
        source.execute(SourceWriter.SCHEMA, TICKETS);
        Path task = FullLoadFixtures.taskFile(dir, name, "full-load-and-cdc", source, target,
                FullLoadFixtures.PUBLIC_TABLES, """
                        parallelism: 2
                        cdc:
                          heartbeatInterval: 2s
                        """);
        godwit("start", task.toString());
        Godwit.awaitLog(dir, Pattern.compile("cdc: streaming slot"), Duration.ofSeconds(120));
        return task;
    }

    private Process godwit(String... args) throws IOException {
        Process p = Godwit.start(dir, args);
        processes.add(p);
        return p;
    }

    @AfterEach
    void stopGodwitAndLiftTheFences() {
        processes.forEach(Process::destroyForcibly);
        trails.forEach(WalTrail::close);
        for (TestDatabase db : fenced) {
            db.execute("SET default_transaction_read_only = off",
                    "ALTER DATABASE " + db.name() + " RESET default_transaction_read_only");
        }
    }
}
