package dev.godwit.orchestrator.state;

import java.util.Locale;

/** Where one cutover request is, as recorded in {@code cutover}. */
public enum CutoverState {
    REQUESTED, RUNNING, DONE, FAILED;

    /** The spelling in the control schema. */
    public String stored() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static CutoverState of(String stored) {
        return valueOf(stored.toUpperCase(Locale.ROOT));
    }

    public boolean finished() {
        return this == DONE || this == FAILED;
    }
}
