package dev.godwit.workers.cdc.apply;

/**
 * Told of each target commit of the applier, for metrics: what it held and how long the commit took. Called on the
 * applying thread right after the commit returns, so it must be quick and must not throw; under parallel apply every
 * lane calls the same observer from its own thread, so an implementation must be thread-safe.
 */
@FunctionalInterface
public interface ApplyObserver {

    /** A target commit that held {@code commit.transactions()} source transactions and their changes. */
    void committed(GroupCommit commit);

    /**
     * One target commit.
     *
     * @param transactions source transactions it applied (the group's size)
     * @param inserts      rows inserted in it (including updates turned into inserts by the conflict policy)
     * @param updates      rows updated in it
     * @param deletes      rows deleted in it
     * @param truncates    TRUNCATE statements run in it
     * @param commitNanos  from sending the checkpoint to the return of COMMIT, by {@link ApplyOptions#groupClock()}
     */
    record GroupCommit(int transactions, long inserts, long updates, long deletes, long truncates, long commitNanos) {
    }

    /** Observes nothing. */
    static ApplyObserver none() {
        return commit -> { };
    }
}
