package dev.godwit.workers.cdc.apply;

import dev.godwit.workers.pg.Lsn;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Set;

/**
 * Where the applier records how far it got: the end LSN of the last source transaction applied, written on the
 * target in the same transaction as that transaction's changes, so data and position commit or vanish together.
 *
 * <p>Parallel apply ({@link ParallelApplier}) commits source transactions out of source order on several
 * connections, so one position cannot say what is applied: see {@link ParallelCheckpoint}. After a
 * crash, a source transaction has been applied exactly when it commits below the checkpoint or its commit LSN is
 * recorded above it ({@link #appliedAbove}); a serial applier honours that too.
 */
public interface Checkpoint {

    /**
     * Records {@code commitEndLsn} on {@code target}, inside the open target transaction (or keeps it for
     * {@link #commit}). Must not commit, roll back or change autocommit.
     */
    void write(Connection target, Lsn commitEndLsn, Instant commitTime) throws SQLException;

    /**
     * Commits the open target transaction, which holds the changes and what {@link #write} recorded. The default is a
     * plain COMMIT; a checkpoint whose record must reach the server together with the COMMIT (the fallback's
     * replication origin, which an aborted transaction moves too) sends both here.
     */
    default void commit(Connection target) throws SQLException {
        target.commit();
    }

    /**
     * The end LSN of the last source transaction whose changes the target holds ({@link Lsn#INVALID} when none),
     * read once when the applier starts.
     */
    Lsn current() throws SQLException;

    /**
     * The commit LSNs ({@code Begin.finalLsn}) of source transactions committed on the target above
     * {@link #current()} by parallel apply, read once when the applier starts.
     */
    default Set<Lsn> appliedAbove() throws SQLException {
        return Set.of();
    }
}
