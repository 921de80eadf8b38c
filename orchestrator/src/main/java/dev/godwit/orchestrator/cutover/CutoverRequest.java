package dev.godwit.orchestrator.cutover;

/**
 * A cutover asked for by {@code godwit cutover} or fired by its schedule, waiting for the process that runs the task.
 *
 * @param acceptDifferences go on when the final validation finds differences ({@code --accept-differences}): the
 *                          report names them and the acceptance
 * @param withFallback      start change data capture from the target back to the source at the cutover
 *                          ({@code --with-fallback}; {@code cutover.withFallback} of the task asks for it too)
 */
public record CutoverRequest(long id, String requestedBy, boolean fence, boolean acceptDifferences,
                             boolean withFallback) {
}
