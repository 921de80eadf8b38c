package dev.godwit.orchestrator.state;

import java.util.Locale;

/** Where one table of the full load is, as recorded in {@code table_state}. */
public enum TableState {
    /** Units still to copy. */
    PENDING,
    /** Every unit copied; its keys, indexes and constraints not yet built. */
    LOADED,
    /** Copied and readied: post-data done. */
    READY,
    /**
     * Being copied again while CDC runs ({@code godwit reload}): its changes are held back from the applier until the
     * new copy commits; READY again in that transaction.
     */
    RELOADING;

    /** The spelling in the control schema. */
    public String stored() {
        return name().toLowerCase(Locale.ROOT);
    }

    static TableState of(String stored) {
        return valueOf(stored.toUpperCase(Locale.ROOT));
    }
}
