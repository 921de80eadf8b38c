package dev.godwit.orchestrator.plan;

import dev.godwit.workers.schema.SchemaScript;

/**
 * One statement of the target schema a run will execute, and when: what {@code plan --json} lists, so that every
 * object of the selected schemas is either here or in the not-migrated list.
 *
 * @param object what the statement creates or sets, as the log names it ({@code view "app"."totals"})
 * @param when   the step that runs it
 */
public record PlannedObject(String object, String when) {

    static String preData() {
        return "step 3, target schema (before the copy)";
    }

    static String postData(int phase) {
        return switch (phase) {
            case SchemaScript.TABLE_PHASE -> "step 5, as its table's copy ends";
            case SchemaScript.FOREIGN_KEY_PHASE -> "end of the full load: foreign keys";
            case SchemaScript.VIEW_PHASE -> "end of the full load: views";
            case SchemaScript.TRIGGER_PHASE -> "end of the full load: triggers, rules, row-level security";
            case SchemaScript.REFRESH_PHASE -> "end of the full load and at cutover: materialized view refresh";
            case SchemaScript.ACCESS_PHASE -> "end of the full load: privileges and owners";
            default -> "end of the full load";
        };
    }
}
