package dev.godwit.workers.cdc.apply;

import dev.godwit.workers.pg.Lsn;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;

/**
 * Where the applier records how far it got: the end LSN of the last source transaction applied, written on the
 * target in the same transaction as that transaction's changes, so data and position commit or vanish together.
 */
public interface Checkpoint {

    /**
     * Records {@code commitEndLsn} on {@code target}, inside the open target transaction. Must not commit, roll back
     * or change autocommit.
     */
    void write(Connection target, Lsn commitEndLsn, Instant commitTime) throws SQLException;

    /**
     * The end LSN of the last source transaction whose changes the target holds ({@link Lsn#INVALID} when none),
     * read once when the applier starts.
     */
    Lsn current() throws SQLException;
}
