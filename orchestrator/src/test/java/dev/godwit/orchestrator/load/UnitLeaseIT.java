package dev.godwit.orchestrator.load;

import dev.godwit.orchestrator.state.ControlSchema;
import dev.godwit.orchestrator.state.TaskStore;
import dev.godwit.orchestrator.state.UnitLeases;
import dev.godwit.workers.copy.CopyStatements;
import dev.godwit.workers.pg.ExportedSnapshot;
import dev.godwit.workers.pg.PgConnector;
import dev.godwit.workers.testkit.PgExtension;
import dev.godwit.workers.testkit.PgLab;
import dev.godwit.workers.testkit.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lease on a unit makes a second copy of it harmless: whichever copy commits first under the unit's current epoch
 * wins, every other one rolls back with its rows, whatever the order the copies take, copy and commit in.
 */
@ExtendWith(PgExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class UnitLeaseIT {
    private static final String TASK = "lease";
    private static final int ROWS = 5000;

    private TestDatabase source;
    private TestDatabase target;
    private PgConnector sourceConnector;
    private PgConnector targetConnector;
    private UnitLeases leases;
    private final UnitWork unit = new UnitWork("public.items#1", "public.items", CopyStatements.of(List.of("id", "v"),
            "public.items", List.of("id <= " + ROWS), "public.items", List.of("id", "v"), true, false), null);

    @BeforeEach
    void ledgerWithOneUnit(PgLab lab) throws Exception {
        source = lab.newDatabase(17);
        target = lab.newDatabase(17);
        String ddl = "CREATE TABLE items (id bigint PRIMARY KEY, v text)";
        source.execute(ddl, "INSERT INTO items SELECT g, md5(g::text) FROM generate_series(1, " + ROWS * 2 + ") g");
        target.execute(ddl);
        sourceConnector = new PgConnector("source", source.endpoint(source.server().superuser()));
        targetConnector = new PgConnector("target", target.endpoint(target.server().superuser()));
        ControlSchema control = new ControlSchema("godwit");
        TaskStore store = new TaskStore(control, TASK);
        try (Connection t = target.connect()) {
            control.install(t);
            store.create(t, "full-load", null, null, "test");
            store.addTable(t, "public.items", "public.items");
            store.addUnit(t, unit.unitId(), unit.tableKey(), "public.items", "KEY_RANGE", "id <= " + ROWS, 1, 1);
        }
        leases = new UnitLeases(control, TASK);
    }

    @Test
    void aStalledHolderFindsTheUnitDoneByItsSuccessorAndRollsBack() throws Exception {
        try (UnitCopier stalled = new UnitCopier(sourceConnector, targetConnector, leases, "stalled");
             UnitCopier successor = new UnitCopier(sourceConnector, targetConnector, leases, "successor")) {
            long first = take("stalled");
            assertInstanceOf(UnitCopier.Outcome.Copied.class, successor.copy(unit, null, false, Optional.empty(), n -> { }));
            UnitCopier.Outcome late = stalled.copyTaken(unit, null, first, n -> { });
            assertTrue(late instanceof UnitCopier.Outcome.NotMine m && m.why().contains("late duplicate refused"),
                    late::toString);
        }
        assertCopiedOnce();
    }

    @Test
    void aStalledHolderCommittingBeforeItsSuccessorIsRefusedAndTheSuccessorWins() throws Exception {
        try (UnitCopier stalled = new UnitCopier(sourceConnector, targetConnector, leases, "stalled");
             UnitCopier successor = new UnitCopier(sourceConnector, targetConnector, leases, "successor")) {
            long first = take("stalled");
            long second = take("successor");
            assertInstanceOf(UnitCopier.Outcome.NotMine.class, stalled.copyTaken(unit, null, first, n -> { }));
            assertInstanceOf(UnitCopier.Outcome.Copied.class, successor.copyTaken(unit, null, second, n -> { }));
        }
        assertCopiedOnce();
    }

    @Test
    void aLiveLeaseIsRespectedUntilItExpiresAndAStaleSnapshotTakesNothing() throws Exception {
        try (Connection t = target.connect()) {
            leases.setLoadSnapshot(t, "snap-1");
            assertInstanceOf(UnitLeases.Take.Taken.class,
                    leases.take(t, unit.unitId(), "first", Duration.ofMinutes(1), true, Optional.of("snap-1")));
            UnitLeases.Take held = leases.take(t, unit.unitId(), "second", Duration.ofMinutes(1), true, Optional.of("snap-1"));
            assertTrue(held instanceof UnitLeases.Take.Held h && h.owner().equals("first")
                    && h.left().compareTo(Duration.ofSeconds(50)) > 0, held::toString);
            assertInstanceOf(UnitLeases.Take.Gone.class,
                    leases.take(t, unit.unitId(), "second", Duration.ofMinutes(1), true, Optional.of("snap-0")));
            // the first holder stops renewing: its lease runs out
            try (Statement s = t.createStatement()) {
                s.execute("UPDATE godwit.unit SET lease_expires_at = now() - interval '1 s'");
            }
            assertInstanceOf(UnitLeases.Take.Taken.class,
                    leases.take(t, unit.unitId(), "second", Duration.ofMinutes(1), true, Optional.of("snap-1")));
        }
    }

    /**
     * A one-unit table loaded with COPY FREEZE is truncated in the unit's transaction: the successor's TRUNCATE waits for
     * the stalled holder's lock, and goes on as soon as the holder's late commit is refused and rolled back.
     */
    @Test
    void aSuccessorWaitsForAStalledTruncatingHolderAndCopiesOnceItsLateCommitIsRefused() throws Exception {
        UnitWork frozen = new UnitWork(unit.unitId(), unit.tableKey(), CopyStatements.of(List.of("id", "v"),
                "public.items", List.of("id <= " + ROWS), "public.items", List.of("id", "v"), true, false),
                "TRUNCATE ONLY public.items");
        try (Connection stalled = target.connect();
             Connection stalledSource = source.connect();
             ExportedSnapshot snapshot = ExportedSnapshot.export(sourceConnector);
             UnitCopier successor = new UnitCopier(sourceConnector, targetConnector, leases, "successor")) {
            long first = take("stalled");
            stalled.setAutoCommit(false);
            stalledSource.setAutoCommit(false);
            ExportedSnapshot.importInto(stalledSource, snapshot.name());
            try (Statement s = stalled.createStatement()) {
                s.execute(frozen.truncateFirst());
            }
            dev.godwit.workers.copy.CopyWorker.pipe(stalledSource, stalled, frozen.statements(), n -> { });
            CompletableFuture<UnitCopier.Outcome> rerun = CompletableFuture.supplyAsync(() -> {
                try {
                    return successor.copy(frozen, snapshot.name(), false, Optional.empty(), n -> { });
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            awaitLockWait();
            assertThrows(UnitLeases.LateDuplicate.class, () -> leases.done(stalled, unit.unitId(), first, ROWS, ROWS, 0, 0));
            stalled.rollback();
            assertInstanceOf(UnitCopier.Outcome.Copied.class, rerun.get(60, TimeUnit.SECONDS));
        }
        assertCopiedOnce();
    }

    private long take(String owner) throws Exception {
        try (Connection t = target.connect()) {
            return ((UnitLeases.Take.Taken) leases.take(t, unit.unitId(), owner, Duration.ofMinutes(1), false,
                    Optional.empty())).epoch();
        }
    }

    private void awaitLockWait() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (target.value("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                + " AND query LIKE 'TRUNCATE%'").equals("0")) {
            assertTrue(System.nanoTime() < deadline, "the successor's TRUNCATE never waited for the holder's lock");
            Thread.sleep(20);
        }
    }

    private void assertCopiedOnce() {
        assertEquals(String.valueOf(ROWS), target.value("SELECT count(*) FROM items"));
        assertEquals(String.valueOf(ROWS), target.value("SELECT count(DISTINCT id) FROM items"));
        assertEquals("done " + ROWS, target.value("SELECT state || ' ' || rows_copied FROM godwit.unit"));
    }
}
