package dev.godwit.orchestrator.fallback;

import dev.godwit.mappings.sql.SqlText;
import dev.godwit.orchestrator.plan.PlannedTable;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The fallback's validation: the row count of every migrated table on the new primary against its source table, once
 * both are still (the new primary fenced, the source caught up). The task's {@code Validator} compares source against
 * target and keeps its results in the control schema on the target; the fallback compares the other way and keeps
 * the outcome in its report and the event log.
 */
final class RowCounts {

    /** @param differences one line per table whose counts differ */
    record Result(long rows, List<String> differences) {
        boolean equal() {
            return differences.isEmpty();
        }
    }

    Result compare(Connection target, Connection source, List<PlannedTable> tables) throws SQLException {
        long rows = 0;
        List<String> differences = new ArrayList<>();
        for (PlannedTable t : tables) {
            String targetTable = SqlText.qualified(t.mapping().targetSchema(), t.mapping().targetName());
            String sourceTable = SqlText.qualified(t.source().schema(), t.source().name());
            long onTarget = count(target, targetTable);
            long onSource = count(source, sourceTable);
            rows += onTarget;
            if (onTarget != onSource) {
                differences.add(targetTable + " " + onTarget + " rows, " + sourceTable + " " + onSource);
            }
        }
        return new Result(rows, differences);
    }

    private static long count(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + table); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
