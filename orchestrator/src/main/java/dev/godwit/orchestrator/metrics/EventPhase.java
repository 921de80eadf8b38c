package dev.godwit.orchestrator.metrics;

/**
 * The phase a recorded event belongs to, from the step that recorded it: a bounded label for
 * {@code godwit_events_total}, so that errors and retries can be told apart by phase (a full-load unit retried, a CDC
 * reconnection, a refused cutover) without one series per step name.
 */
enum EventPhase {
    FULL_LOAD("full_load"), CDC("cdc"), CUTOVER("cutover"), FALLBACK("fallback"), RUN("run");

    private final String label;

    EventPhase(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }

    /** The steps as TaskStore.event callers name them; the run's own steps and anything new count as {@code run}. */
    static EventPhase of(String step) {
        return switch (step == null ? "" : step) {
            case "plan", "schema", "snapshot", "full load" -> FULL_LOAD;
            case "cdc", "reload", "slot" -> CDC;
            case "cutover" -> CUTOVER;
            case "fallback" -> FALLBACK;
            default -> RUN;
        };
    }

    /** One counter's labels. */
    record Key(String level, EventPhase phase) {
    }
}
