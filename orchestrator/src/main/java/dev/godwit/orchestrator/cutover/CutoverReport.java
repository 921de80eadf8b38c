package dev.godwit.orchestrator.cutover;

import dev.godwit.workers.pg.Lsn;

import java.time.Duration;
import java.util.Optional;

/**
 * What a cutover came to, for the final report and the {@code cutover} table: {@code done} only when every check
 * passed and the source's replication objects were dealt with. Its steps are logged and recorded as events as they
 * happen.
 *
 * @param lagBytesAtStart WAL between the source's position and the target's checkpoint when the cutover began
 * @param lagBytesAtFence the same, measured at the final position (after the fence, when fenced)
 * @param finalLsn        the source position everything up to which is on the target
 * @param catchUp         how long the final catch-up took
 * @param rowsValidated   rows counted on each side by the final validation (empty: validation off)
 * @param failure         why the cutover did not finish (empty when done)
 */
public record CutoverReport(boolean done, long lagBytesAtStart, long lagBytesAtFence, Optional<Lsn> finalLsn,
                            Duration catchUp, int sequencesSet, Optional<Long> rowsValidated, Optional<String> failure) {
}
