package dev.godwit.mappings.task;

/**
 * What the CDC applier does when a change does not fit the target row set. godwit's default is to treat every such
 * conflict as an error (then handled by the error policy): after a consistent snapshot none should happen, so each
 * one means the target has drifted. DMS task settings ({@code ApplyError*Policy}) can relax them.
 *
 * @param updateOnInsertConflict an INSERT whose key exists updates the row ({@code ApplyErrorInsertPolicy: INSERT_RECORD})
 * @param insertOnUpdateMissing  an UPDATE that finds no row inserts it ({@code ApplyErrorUpdatePolicy: UPDATE_RECORD})
 * @param ignoreMissingDelete    a DELETE that finds no row is ignored ({@code ApplyErrorDeletePolicy: IGNORE_RECORD})
 */
public record ApplyConflicts(boolean updateOnInsertConflict, boolean insertOnUpdateMissing,
                             boolean ignoreMissingDelete) {

    public static ApplyConflicts strict() {
        return new ApplyConflicts(false, false, false);
    }
}
