package dev.godwit.orchestrator.cdc;

import dev.godwit.orchestrator.cli.CliRun;
import dev.godwit.orchestrator.cli.ExitCodes;
import dev.godwit.workers.pg.Lsn;
import dev.godwit.workers.testkit.PgExtension;
import dev.godwit.workers.testkit.PgLab;
import dev.godwit.workers.testkit.PgServer;
import dev.godwit.workers.testkit.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A source with a physical standby that keeps a synchronised copy of the task's failover slot
 * ({@code settings.slot.failover}): the primary crashes under live writes while godwit streams, godwit is killed, the
 * standby is promoted, and {@code resume} pointed at it goes on from the promoted copy of the slot with nothing lost
 * and nothing applied twice.
 */
@ExtendWith(PgExtension.class)
class FailoverIT {
    private static final Pattern STREAMING = Pattern.compile("cdc: streaming slot");
    private static final String SLOT = "godwit_ha";
    private static final String SETTINGS = """
            parallelism: 2
            validation:
              enabled: false
            cdc:
              heartbeatInterval: 2s
            slot:
              failover: true
            """;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void afterTheSourceFailsOverToItsStandbyResumeGoesOnFromTheSynchronisedSlotWithNothingLost(PgLab lab)
            throws Exception {
        PgServer primary = lab.dedicatedServer(17, Map.of(), List.of());
        TestDatabase source = lab.newDatabase(primary);
        TestDatabase target = lab.newDatabase(17);
        source.execute(SourceWriter.SCHEMA);
        Path task = CdcTasks.write(dir, "ha", source, target, SETTINGS);

        CliRun alone = CliRun.of("preflight", task.toString());
        assertTrue(alone.out().contains("source.failover_standby_slots") && alone.out().contains("no physical"
                + " replication slot"), "a source without a standby is told what a failover slot needs:\n" + alone);

        source.execute("SELECT pg_create_physical_replication_slot('standby1', true)");
        PgServer standby = lab.standbyOf(primary, "standby1", Map.of("hot_standby_feedback", "on",
                "sync_replication_slots", "on"));
        await("the standby streams through its slot", Duration.ofSeconds(60), () -> "true".equals(
                source.value("SELECT active::text FROM pg_replication_slots WHERE slot_name = 'standby1'")));
        CliRun unnamed = CliRun.of("preflight", task.toString());
        assertTrue(unnamed.out().contains("synchronized_standby_slots is empty: godwit may receive and apply changes"
                + " before the standby has them") && unnamed.out().contains("synchronized_standby_slots = 'standby1'"),
                "the fix names the standby's slot:\n" + unnamed);
        source.execute("ALTER SYSTEM SET synchronized_standby_slots = 'standby1'", "SELECT pg_reload_conf()");
        CliRun ready = CliRun.of("preflight", task.toString());
        assertTrue(!ready.out().contains("source.failover"), "nothing is missing any more:\n" + ready);

        TestDatabase promoted = new TestDatabase(standby, source.name());
        Process godwit = Godwit.start(dir, "start", task.toString());
        try {
            SourceWriter writer = new SourceWriter(source, 3);
            Godwit.awaitLog(dir, STREAMING, Duration.ofSeconds(180));
            assertEquals("true", source.value("SELECT failover::text FROM pg_replication_slots WHERE slot_name = '"
                    + SLOT + "'"));
            writer.awaitTransactions(writer.transactions() + 200, Duration.ofSeconds(120));
            SourceWriter.mark(source, "before-failover");
            awaitMarker(target, "before-failover");
            Lsn applied = Lsn.parse(source.value("SELECT confirmed_flush_lsn::text FROM pg_replication_slots"
                    + " WHERE slot_name = '" + SLOT + "'"));
            await("the standby's copy of the slot is synchronised past " + applied, Duration.ofSeconds(120),
                    () -> syncedPast(promoted, applied));
            writer.awaitTransactions(writer.transactions() + 50, Duration.ofSeconds(60));

            primary.crash();
            godwit.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            writer.closeAfterFence();
            standby.promote();

            CdcTasks.write(dir, "ha", promoted, target, SETTINGS);
            godwit = Godwit.start(dir, "resume", task.toString());
            Godwit.awaitLogCount(dir, STREAMING, 2, Duration.ofSeconds(180));
            try (SourceWriter after = new SourceWriter(promoted, 5)) {
                after.awaitTransactions(200, Duration.ofSeconds(120));
            }
            SourceWriter.mark(promoted, "after-failover");
            CdcIT.awaitEqual(promoted, target, Duration.ofSeconds(180));

            assertEquals(1, Pattern.compile("failover slot " + SLOT + " created at").matcher(Godwit.log(dir)).results()
                    .count(), "the resumed run streams from the promoted copy of the slot, it creates none");
            CliRun status = CliRun.of("status", task.toString());
            assertTrue(status.out().contains("slot " + SLOT + ": active, failover slot"), status.out());
            assertEquals(ExitCodes.OK, CliRun.of("stop", task.toString()).exitCode());
            assertTrue(godwit.waitFor(60, TimeUnit.SECONDS), "the resumed run stops when asked");
        } catch (AssertionError | Exception e) {
            System.err.println("godwit log:\n" + Godwit.log(dir));
            throw e;
        } finally {
            godwit.destroyForcibly();
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aFailoverSlotOnASourceOlderThan17IsAPreflightBlockerNamingTheVersionAndNothingIsCreated(PgLab lab)
            throws Exception {
        TestDatabase source = lab.newDatabase(13);
        TestDatabase target = lab.newDatabase(17);
        source.execute("CREATE TABLE items (id int PRIMARY KEY)");
        Path task = CdcTasks.write(dir, "old", source, target, SETTINGS);
        CliRun start = CliRun.of("start", task.toString());
        assertEquals(ExitCodes.PREFLIGHT_BLOCKERS, start.exitCode(), start::toString);
        assertTrue(start.out().contains("[source.failover_version]") && start.out().contains("the source runs"
                + " PostgreSQL 13: failover slots need PostgreSQL 17 or later"), start.out());
        assertEquals("0", source.value("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'godwit_old'"));
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void aSlotCreatedBeforeTheTaskAskedForFailoverIsMadeAFailoverSlotWhenTheTaskResumes(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(17);
        TestDatabase target = lab.newDatabase(17);
        source.execute("CREATE TABLE items (id int PRIMARY KEY)", "INSERT INTO items SELECT generate_series(1, 10)");
        Path task = CdcTasks.write(dir, "later", source, target, SETTINGS.replace("failover: true", "failover: false"));
        Process godwit = Godwit.start(dir, "start", task.toString());
        try {
            Godwit.awaitLog(dir, STREAMING, Duration.ofSeconds(120));
            assertEquals(ExitCodes.OK, CliRun.of("stop", task.toString()).exitCode());
            assertTrue(godwit.waitFor(60, TimeUnit.SECONDS), "godwit stops");
            assertEquals("f", source.value("SELECT failover FROM pg_replication_slots WHERE slot_name = 'godwit_later'"));

            CdcTasks.write(dir, "later", source, target, SETTINGS);
            godwit = Godwit.start(dir, "resume", task.toString());
            Godwit.awaitLogCount(dir, STREAMING, 2, Duration.ofSeconds(120));
            assertEquals("t", source.value("SELECT failover FROM pg_replication_slots WHERE slot_name = 'godwit_later'"));
            assertTrue(Godwit.log(dir).contains("slot godwit_later made a failover slot"), Godwit.log(dir));
            source.execute("INSERT INTO items VALUES (11)");
            await("the row after the change", Duration.ofSeconds(60),
                    () -> target.value("SELECT count(*) FROM items").equals("11"));
            assertEquals(ExitCodes.OK, CliRun.of("stop", task.toString()).exitCode());
            assertTrue(godwit.waitFor(60, TimeUnit.SECONDS), "godwit stops");
        } finally {
            godwit.destroyForcibly();
        }
    }

    /** Whether the standby holds a persisted, synchronised copy of the slot confirmed at or past {@code lsn}. */
    private static boolean syncedPast(TestDatabase standby, Lsn lsn) {
        List<String> row = standby.column("SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = '"
                + SLOT + "' AND synced AND NOT temporary AND failover");
        return !row.isEmpty() && row.get(0) != null && Lsn.parse(row.get(0)).compareTo(lsn) >= 0;
    }

    private static void awaitMarker(TestDatabase target, String marker) throws InterruptedException {
        await("the target has marker " + marker, Duration.ofSeconds(120), () -> {
            try {
                return target.value("SELECT count(*) FROM markers WHERE name = '" + marker + "'").equals("1");
            } catch (IllegalStateException e) {
                return false; // the table is not created yet
            }
        });
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "not within " + timeout + ": " + what);
            Thread.sleep(200);
        }
    }
}
