package dev.godwit.orchestrator.state;

import java.util.Locale;

/** What the task was asked to do ({@code godwit stop} asks for STOP, a run claims it with RUN), as recorded. */
public enum DesiredState {
    RUN, STOP;

    /** The spelling in the control schema. */
    public String stored() {
        return name().toLowerCase(Locale.ROOT);
    }

    static DesiredState of(String stored) {
        return valueOf(stored.toUpperCase(Locale.ROOT));
    }
}
