package dev.godwit.orchestrator.cdc;

import dev.godwit.orchestrator.plan.PlannedTable;
import dev.godwit.orchestrator.state.ControlSchema;
import dev.godwit.orchestrator.state.ControlSourceColumns;
import dev.godwit.orchestrator.state.SourceIndexes;
import dev.godwit.orchestrator.state.TaskStore;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Makes tables the task's own, when it is planned and when new source tables join it while changes stream: their
 * {@code table_state} rows, and what CDC later compares the source with (their plain indexes, their columns' attnums).
 */
public final class TaskTables {
    private TaskTables() {
    }

    /** Runs in the caller's transaction. */
    public static void record(Connection target, ControlSchema schema, String task, List<PlannedTable> tables)
            throws SQLException {
        TaskStore store = new TaskStore(schema, task);
        SourceIndexes indexes = new SourceIndexes(schema, task);
        for (PlannedTable table : tables) {
            store.addTable(target, table.mapping().targetKey(), table.source().schema() + "." + table.source().name());
            indexes.record(target, table.mapping().targetKey(), table.plainIndexes());
        }
        SourceColumnRecord.recordPlan(new ControlSourceColumns(schema, task), tables, target);
    }
}
