package dev.godwit.orchestrator.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.OptionalDouble;

/**
 * The time the full load still needs, from the plan's size estimates of the units copied since this process first
 * saw the load run: the remaining estimated bytes over the rate at which estimated bytes were done. Unknown until a
 * unit has been copied under observation (units an earlier run copied say nothing about this run's speed).
 */
final class LoadEta {
    private Instant since;
    private long doneAtStart;

    /** @param loading whether the phase is the full load; outside it the estimate starts again */
    OptionalDouble seconds(boolean loading, Instant at, long estimatedDone, long estimatedPending) {
        if (!loading) {
            since = null;
            return OptionalDouble.empty();
        }
        if (since == null) {
            since = at;
            doneAtStart = estimatedDone;
        }
        if (estimatedPending == 0) {
            return OptionalDouble.of(0);
        }
        long done = estimatedDone - doneAtStart;
        double elapsed = Duration.between(since, at).toMillis() / 1000.0;
        if (done <= 0 || elapsed <= 0) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(estimatedPending / (done / elapsed));
    }
}
