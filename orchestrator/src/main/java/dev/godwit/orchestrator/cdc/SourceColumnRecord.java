package dev.godwit.orchestrator.cdc;

import dev.godwit.mappings.rules.ColumnMapping;
import dev.godwit.orchestrator.plan.PlannedTable;
import dev.godwit.orchestrator.state.ControlSourceColumns;
import dev.godwit.workers.catalog.Column;
import dev.godwit.workers.catalog.SourceCatalog;
import dev.godwit.workers.catalog.Table;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Writes the first record of which source column (by attnum) each planned table's columns follow: the applier keeps
 * it up to date from there, and tells a column renamed on the source from one dropped and one added by it.
 */
public final class SourceColumnRecord {
    private SourceColumnRecord() {
    }

    /** With the plan: every column of each planned source table, as the plan read them. */
    public static void recordPlan(ControlSourceColumns record, List<PlannedTable> tables, Connection target)
            throws SQLException {
        for (PlannedTable t : tables) {
            record.putAll(target, t.mapping().targetKey(), t.source().columns().stream()
                    .collect(Collectors.toMap(Column::attnum, Column::name)));
        }
    }

    /**
     * For a task recorded before godwit kept this record, filled when CDC starts from the target's columns matched by
     * name: a source column is recorded when the target has the column the mapping writes it to (or the mapping
     * leaves it out). The plan is read again at each run's start, so a column renamed on the source while godwit was
     * stopped has its new name there and the old one on the target: it is left out, and a rename of it cannot be
     * told from a drop and an add (CDC stops on it, as it did before godwit kept this record).
     */
    static void fillMissing(ControlSourceColumns record, List<PlannedTable> tables, SourceCatalog targetCatalog,
                            Connection target) throws SQLException {
        Set<String> recorded = record.tables(target);
        for (PlannedTable t : tables) {
            String key = t.mapping().targetKey();
            Optional<Table> onTarget = targetCatalog.table(t.mapping().targetSchema(), t.mapping().targetName());
            if (recorded.contains(key) || onTarget.isEmpty()) {
                continue;
            }
            Set<String> targetColumns = onTarget.get().columns().stream().map(Column::name).collect(Collectors.toSet());
            Map<Integer, String> matched = new HashMap<>();
            for (Column column : t.source().columns()) {
                Optional<ColumnMapping> written = t.mapping().columns().stream()
                        .filter(c -> column.name().equals(c.sourceName())).findFirst();
                if (written.isEmpty() || targetColumns.contains(written.get().targetName())) {
                    matched.put(column.attnum(), column.name());
                }
            }
            record.putAll(target, key, matched);
        }
    }
}
