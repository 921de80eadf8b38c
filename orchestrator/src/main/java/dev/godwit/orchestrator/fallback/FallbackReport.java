package dev.godwit.orchestrator.fallback;

import dev.godwit.workers.pg.Lsn;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What {@code godwit fallback} did.
 *
 * @param finalLsn      the new primary's position after its fence, which the source applied
 * @param catchUp       how long the source took to apply it
 * @param sequencesSet  source sequences moved up to the new primary's
 * @param rowsCompared  rows counted on each side, when the counts were compared
 * @param steps         the steps, as they were logged
 * @param failure       why the fallback was not done
 */
public record FallbackReport(boolean done, Optional<Lsn> finalLsn, Duration catchUp, int sequencesSet,
                             Optional<Long> rowsCompared, List<String> steps, Optional<String> failure) {
    public FallbackReport {
        steps = List.copyOf(steps);
    }
}
