package dev.godwit.workers.cdc.apply;

import dev.godwit.workers.pg.Lsn;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * The checkpoint of parallel apply. Each target transaction records the commit LSNs of the source transactions it
 * holds ({@link #recordApplied}); the checkpoint itself moves to the end of the longest run of source transactions
 * that are all committed ({@link #advance}), and the records below it are forgotten. After a crash, a source
 * transaction has been applied exactly when it commits below {@link #current()} or its commit LSN is one of
 * {@link #appliedAbove()}.
 */
public interface ParallelCheckpoint extends Checkpoint {

    /**
     * Records, inside the open target transaction on {@code target}, that the source transactions whose commit LSNs
     * ({@code Begin.finalLsn}) are given are applied by it. Must not commit, roll back or change autocommit.
     */
    void recordApplied(Connection target, List<Lsn> commitLsns) throws SQLException;

    /**
     * Moves the checkpoint to {@code commitEndLsn} (never back): every source transaction committing up to it is
     * committed on the target. Forgets the records below it. Runs in a transaction of its own on {@code control}.
     */
    void advance(Connection control, Lsn commitEndLsn, Instant commitTime) throws SQLException;
}
