package dev.godwit.workers.copy;

import java.util.Optional;

/**
 * One piece of a table's full load that a worker copies in one source snapshot and commits in one target
 * transaction: a whole relation, or a range of it.
 *
 * @param id             stable within a plan: {@code schema.table} or {@code schema.table#3}; the unit ledger key
 * @param sourceSchema   the relation read, always {@code FROM ONLY} it, so an inheritance parent never brings its
 *                       children's rows
 * @param sourceName     see sourceSchema
 * @param kind           how the range is bounded
 * @param rangePredicate a WHERE predicate selecting this unit's rows; empty for a whole relation
 * @param estimatedBytes this unit's share of the relation's size, for ordering and ETA
 */
public record CopyUnit(String id, String sourceSchema, String sourceName, Kind kind, Optional<String> rangePredicate,
                       long estimatedBytes) {

    public enum Kind {
        /** The whole relation. */
        WHOLE,
        /** A range of heap blocks: a TID range scan on PostgreSQL 14+. */
        CTID_RANGE,
        /** A range of a key, computed from the key's bounds. */
        KEY_RANGE,
        /** A segment of a DMS {@code parallel-load} {@code ranges} setting, or its extra segment for NULL keys. */
        DMS_RANGE
    }

    public String describe() {
        return switch (kind) {
            case WHOLE -> "whole";
            case CTID_RANGE -> "blocks " + rangePredicate.orElse("");
            case KEY_RANGE, DMS_RANGE -> rangePredicate.orElse("");
        };
    }
}
