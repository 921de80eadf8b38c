package dev.godwit.workers.cdc.apply;

import dev.godwit.workers.cdc.pgoutput.PgOutputMessage;
import dev.godwit.workers.pg.Lsn;
import java.sql.SQLException;

/**
 * Applies a replication stream's messages on the target: {@link ChangeApplier} on one connection, in source order, or
 * {@link ParallelApplier} on several. What {@link #stats()} reports as committed may be confirmed to the slot.
 */
public interface Applier extends AutoCloseable {

    /** Applies one message received at {@code walPosition}; after an exception the applier takes no more. */
    void accept(Lsn walPosition, PgOutputMessage message) throws SQLException;

    /** The stream is idle or caught up: what is applied should commit soon, without waiting for more. */
    void commitPending() throws SQLException;

    /** Returns once every source transaction accepted so far is committed on the target and checkpointed. */
    void drain() throws SQLException;

    /** Asks the routing again for relations it did not route (tables that joined the task since). */
    void routeAgain() throws SQLException;

    ApplyStats stats();

    /**
     * {@code stats().lastCommittedEndLsn()}, read after every source transaction to confirm it: without building the
     * statistics each time.
     */
    Lsn lastCommittedEndLsn();

    /** Rolls back what is not committed and releases what the applier holds; the caller closes the connections it gave. */
    @Override
    void close();
}
