package dev.godwit.orchestrator.cdc;

import dev.godwit.workers.cdc.apply.ApplyObserver;

/**
 * What the CDC phase tells a watcher (the metrics) while it runs: each target commit of its applier (see
 * {@link ApplyObserver}, called from every apply lane) and each transient failure it retries. Must be quick, must not
 * throw, and must be thread-safe.
 */
public interface CdcObserver extends ApplyObserver {

    /** A transient failure: the phase reconnects from the checkpoint after a backoff. */
    void reconnecting();

    /** Observes nothing. */
    static CdcObserver none() {
        return new CdcObserver() {
            @Override
            public void committed(GroupCommit commit) {
            }

            @Override
            public void reconnecting() {
            }
        };
    }
}
