package dev.godwit.orchestrator.cutover;

/** A cutover asked for by {@code godwit cutover} or fired by its schedule, waiting for the process that runs the task. */
public record CutoverRequest(long id, String requestedBy, boolean fence) {
}
