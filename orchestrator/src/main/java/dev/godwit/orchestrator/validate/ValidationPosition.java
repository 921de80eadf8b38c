package dev.godwit.orchestrator.validate;

import java.time.Duration;

/** At which position of the source both sides are read. */
public sealed interface ValidationPosition {

    /**
     * Changes are being applied (by a godwit process running the task): a temporary replication slot's exported
     * snapshot fixes the source position X, and the applier is asked, through the control table {@code apply_hold}, to
     * apply exactly the source transactions that commit before X and to wait there while the target is read.
     *
     * @param timeout how long to wait for the applier to reach X (it may lag behind the source)
     */
    record ApplierHold(Duration timeout) implements ValidationPosition {
    }

    /**
     * Nothing changes either side while validation runs, as the caller guarantees (a cutover: writes fenced and the
     * applier stopped at the source's final position), or the task has no change data capture: the source is read
     * under a fresh snapshot, without a hold.
     */
    record Quiesced() implements ValidationPosition {
    }

    static ValidationPosition hold(Duration timeout) {
        return new ApplierHold(timeout);
    }

    static ValidationPosition quiesced() {
        return new Quiesced();
    }
}
