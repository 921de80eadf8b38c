package dev.godwit.workers.schema;

import java.util.List;

/**
 * One job of writing a target schema, usually one kind of object (tables, keys and indexes, types, schemas). A new
 * kind of object is a new part that adds its statements to the {@link ScriptBuilder.PreData} section or post-data
 * phase it belongs in, so the writer itself never grows a branch per kind: where a statement runs is said by its
 * section, not by when its part runs.
 */
interface DdlPart {
    void write(ScriptBuilder script);

    /** A job done table by table (its columns, its keys, and later its triggers or policies). */
    interface PerTable {
        void write(TargetTableSpec spec, ScriptBuilder script);
    }

    /** The part that does a per-table job for each target table, in the order of the specs. */
    static DdlPart eachTable(List<TargetTableSpec> specs, PerTable job) {
        return script -> specs.forEach(spec -> job.write(spec, script));
    }
}
