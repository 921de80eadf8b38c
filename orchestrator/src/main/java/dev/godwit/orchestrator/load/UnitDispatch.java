package dev.godwit.orchestrator.load;

import java.util.List;

/**
 * Hands a load's units to processes that copy them (see docs/scale-out.md): each unit then reaches the ledger as done,
 * failed or rewritten, which the coordinator follows. Closing it withdraws the units not yet begun.
 */
public interface UnitDispatch extends AutoCloseable {
    /** Hands out the units, to be copied under {@code snapshotName}. */
    void dispatch(List<UnitWork> units, String snapshotName) throws Exception;

    /** Opens the dispatch for one run of the copy. */
    @FunctionalInterface
    interface Opener {
        UnitDispatch open() throws Exception;
    }
}
