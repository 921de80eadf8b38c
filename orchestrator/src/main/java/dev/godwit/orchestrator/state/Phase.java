package dev.godwit.orchestrator.state;

/** Where a task is, in the order a run goes through them; recorded in the control schema. */
public enum Phase {
    /** The plan is recorded; nothing exists on the target yet. */
    PLANNED,
    /** Pre-data (schemas, types, tables) is on the target. */
    SCHEMA_CREATED,
    /** Units are being copied. */
    FULL_LOAD,
    /** Every unit is copied and every table has its keys, indexes and constraints. */
    FULL_LOAD_DONE,
    /** Changes are streamed and applied. */
    CDC,
    /** The migration is over: cut over, slot and publication dropped. */
    CUT_OVER,
    /**
     * After a cutover with fallback, {@code godwit fallback} switched back: the source is the primary again, the
     * reverse slot, publication and origin dropped.
     */
    FALLEN_BACK,
    /** A full-load task finished. */
    DONE
}
