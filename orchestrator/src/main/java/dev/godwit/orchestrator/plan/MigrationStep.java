package dev.godwit.orchestrator.plan;

import dev.godwit.mappings.task.MigrationType;

import java.util.List;

/**
 * The steps of a migration, in the order a run takes them. Which steps a task has depends on its type; every run of
 * it ({@code start}, {@code resume}, {@code cutover}) numbers them the same way, and logs a step that an earlier run
 * already did as done, so the numbers in the log always mean the same step ({@code godwit plan} prints the list).
 */
public enum MigrationStep {
    PLAN("plan and preflight"),
    CONTROL_SCHEMA("control schema"),
    TARGET_SCHEMA("target schema"),
    SNAPSHOT("snapshot"),
    FULL_LOAD("full load"),
    FINISH_LOAD("foreign keys, sequences, report"),
    SLOT_POSITION("position in an existing slot"),
    CDC("change data capture");

    private final String label;

    MigrationStep(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The steps of a task of this type, in order. */
    public static List<MigrationStep> of(MigrationType type) {
        return switch (type) {
            case FULL_LOAD -> List.of(PLAN, CONTROL_SCHEMA, TARGET_SCHEMA, SNAPSHOT, FULL_LOAD, FINISH_LOAD);
            case FULL_LOAD_AND_CDC -> List.of(PLAN, CONTROL_SCHEMA, TARGET_SCHEMA, SNAPSHOT, FULL_LOAD, FINISH_LOAD, CDC);
            case CDC -> List.of(PLAN, CONTROL_SCHEMA, SLOT_POSITION, CDC);
        };
    }
}
