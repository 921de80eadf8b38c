package dev.godwit.orchestrator.load;

import dev.godwit.orchestrator.state.UnitLeases;
import dev.godwit.workers.copy.CopyWorker;
import dev.godwit.workers.copy.RewriteCheck;
import dev.godwit.workers.pg.PgConnector;
import dev.godwit.workers.pg.ReplicaMode;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * Takes a unit's lease and copies the unit under it: the rows and the unit's ledger row in one target transaction,
 * which commits only while the epoch taken is still the unit's (see {@link UnitLeases}). Holds one source and one
 * target session, replaced when a failure left them broken.
 */
public final class UnitCopier implements AutoCloseable {
    /** How long a taken unit stays its holder's without a renewal. */
    public static final Duration LEASE = Duration.ofSeconds(15);

    private final PgConnector source;
    private final PgConnector target;
    private final UnitLeases leases;
    private final String owner;
    private Connection s;
    private Connection t;

    public UnitCopier(PgConnector source, PgConnector target, UnitLeases leases, String owner) {
        this.source = source;
        this.target = target;
        this.leases = leases;
        this.owner = owner;
    }

    /** What became of a unit. */
    public sealed interface Outcome {
        /** Copied and committed under this copier's epoch. */
        record Copied(CopyWorker.CopyResult result) implements Outcome {
        }

        /** Not copied here: done elsewhere, refused as a late duplicate, or not of the current snapshot. */
        record NotMine(String why) implements Outcome {
        }

        /** Another owner's lease on it has not expired. */
        record Held(UnitLeases.Take.Held held) implements Outcome {
        }
    }

    /**
     * Takes the unit in a committed transaction of its own, then copies it.
     *
     * @param respectLease  see {@link UnitLeases#take}
     * @param snapshotGuard see {@link UnitLeases#take}
     * @throws RewriteCheck.RelationRewritten when the relation was rewritten on the source after the snapshot
     */
    public Outcome copy(UnitWork unit, String snapshotName, boolean respectLease, Optional<String> snapshotGuard,
                        LongConsumer bytes) throws SQLException {
        UnitLeases.Take take = take(unit.unitId(), respectLease, snapshotGuard);
        if (take instanceof UnitLeases.Take.Gone gone) {
            return new Outcome.NotMine("unit " + unit.unitId() + " is " + gone.state());
        }
        if (take instanceof UnitLeases.Take.Held held) {
            return new Outcome.Held(held);
        }
        long epoch = ((UnitLeases.Take.Taken) take).epoch();
        return copyTaken(unit, snapshotName, epoch, bytes);
    }

    /** Takes a unit's lease, in a committed transaction of its own; see {@link UnitLeases#take}. */
    public UnitLeases.Take take(String unitId, boolean respectLease, Optional<String> snapshotGuard) throws SQLException {
        open();
        return leases.take(t, unitId, owner, LEASE, respectLease, snapshotGuard);
    }

    /**
     * Copies a unit taken under {@code epoch} (again, after a transient failure). A copy that fails is a late duplicate
     * too when the unit has moved on meanwhile: its rows may have clashed with the successor's on a key the target
     * table already has.
     */
    public Outcome copyTaken(UnitWork unit, String snapshotName, long epoch, LongConsumer bytes) throws SQLException {
        open();
        t.setAutoCommit(true);
        if (!leases.holds(t, unit.unitId(), epoch)) {
            return new Outcome.NotMine("late duplicate refused before copying: unit " + unit.unitId()
                    + " is done or was taken again since epoch " + epoch);
        }
        try {
            return new Outcome.Copied(new CopyWorker().copy(s, t, snapshotName, unit.statements(), unit.truncateFirst(),
                    (c, r) -> leases.done(c, unit.unitId(), epoch, r.rows(), r.sourceRows(), r.bytes(), r.millis()),
                    bytes));
        } catch (UnitLeases.LateDuplicate e) {
            return new Outcome.NotMine(e.getMessage());
        } catch (SQLException | RuntimeException e) {
            if (stillHeld(unit, epoch)) {
                throw e;
            }
            return new Outcome.NotMine("late duplicate refused: unit " + unit.unitId() + " is done or was taken again"
                    + " since epoch " + epoch + " (this copy failed with: " + e.getMessage() + ")");
        }
    }

    /** Whether the unit is still this epoch's after a failure; true when that cannot be told (the failure stands). */
    private boolean stillHeld(UnitWork unit, long epoch) {
        try (Connection c = target.open("copy")) {
            return leases.holds(c, unit.unitId(), epoch);
        } catch (SQLException | RuntimeException e) {
            return true;
        }
    }

    private void open() throws SQLException {
        if (s == null || s.isClosed() || !s.isValid(5)) {
            closeQuietly(s);
            s = source.open("copy");
        }
        if (t == null || t.isClosed() || !t.isValid(5)) {
            closeQuietly(t);
            t = target.open("copy");
            // tables the target kept (TRUNCATE_BEFORE_LOAD, DO_NOTHING) keep their own foreign keys and triggers, which
            // COPY would check and fire row by row while the tables load in no order: in replica mode they stay
            // silent, as pg_restore --disable-triggers keeps them (preflight blocks a kept foreign key where the role
            // may not set it). Tables godwit created have none until their post-data, so it changes nothing for them.
            ReplicaMode.enable(t);
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // a broken session is replaced either way
            }
        }
    }

    @Override
    public void close() {
        closeQuietly(s);
        closeQuietly(t);
    }
}
