package dev.godwit.orchestrator.cutover;

import dev.godwit.workers.pg.Lsn;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What a cutover did, step by step, for the final report: {@code done} only when every check passed and the source's
 * replication objects were dealt with.
 *
 * @param lagBytesAtStart WAL between the source's position and the target's checkpoint when the cutover began
 * @param lagBytesAtFence the same, measured at the final position (after the fence, when fenced)
 * @param finalLsn        the source position everything up to which is on the target
 * @param catchUp         how long the final catch-up took
 * @param rowsValidated   rows counted on each side by the final validation (empty: validation off)
 * @param steps           one line per step, in order, as logged
 * @param failure         why the cutover did not finish (empty when done)
 */
public record CutoverReport(boolean done, long lagBytesAtStart, long lagBytesAtFence, Optional<Lsn> finalLsn,
                            Duration catchUp, int sequencesSet, Optional<Long> rowsValidated, List<String> steps,
                            Optional<String> failure) {

    public CutoverReport {
        steps = List.copyOf(steps);
    }
}
