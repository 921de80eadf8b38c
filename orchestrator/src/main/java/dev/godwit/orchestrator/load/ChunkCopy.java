package dev.godwit.orchestrator.load;

import dev.godwit.orchestrator.plan.PlannedTable;
import dev.godwit.workers.copy.CopyWorker;
import dev.godwit.workers.copy.RewriteCheck;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Copies the rows of a planned table that a source predicate selects, as the full load copies a unit, and as it
 * refuses a relation rewritten on the source after the snapshot ({@link RewriteCheck}): the copy saw it empty.
 */
public final class ChunkCopy {
    private ChunkCopy() {
    }

    /**
     * @param s               a source session whose transaction reads the snapshot to copy from
     * @param t               the target session, in the transaction the rows go into
     * @param sourcePredicate over the source relation's columns; empty for every row
     * @return the rows copied
     * @throws RewriteCheck.RelationRewritten when a relation was truncated or rewritten after the snapshot; nothing
     *                                        of the caller's transactions may then be committed
     */
    public static long copy(Connection s, Connection t, PlannedTable table, Optional<String> sourcePredicate)
            throws SQLException {
        TableCopy copy = TableCopy.of(table);
        long rows = 0;
        for (String relation : ReloadCopy.sourceRelations(s, table)) {
            rows += CopyWorker.pipe(s, t, copy.statements(relation, sourcePredicate, false), n -> { }).rows();
            RewriteCheck.verify(s, relation);
        }
        return rows;
    }
}
