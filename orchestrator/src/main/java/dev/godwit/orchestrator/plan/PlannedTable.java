package dev.godwit.orchestrator.plan;

import dev.godwit.mappings.rules.TableMapping;
import dev.godwit.workers.catalog.Table;
import dev.godwit.workers.catalog.TableKind;
import dev.godwit.workers.copy.CopyUnit;

import java.util.List;

/**
 * One target table of the plan and where its rows come from.
 *
 * @param source     the source relation (a partitioned root brings its partitions along)
 * @param mapping    names, columns, filter and load order as the mappings decided them
 * @param partitions the leaf partitions copied into this target table, in catalog order; empty for other tables
 * @param units      the copy units of this table, biggest first
 * @param cdc        what change data capture can carry for this table
 * @param notes      what the planner decided that the user should know (a split that could not happen, …)
 */
public record PlannedTable(Table source, TableMapping mapping, List<Table> partitions, List<CopyUnit> units,
                           CdcCoverage cdc, List<String> notes) {
    public PlannedTable {
        partitions = List.copyOf(partitions);
        units = List.copyOf(units);
        notes = List.copyOf(notes);
    }

    public long sizeBytes() {
        return source.sizeBytes() + partitions.stream().mapToLong(Table::sizeBytes).sum();
    }

    /**
     * Sum of the catalog's row estimates of the relations that hold the rows; relations without one count as 0 (see
     * {@link #rowsKnown}). Only the leaves count for a partitioned table: from PostgreSQL 14 on, ANALYZE gives the
     * partitioned table itself the total of its leaves, which added to theirs would count every row twice.
     */
    public long estimatedRows() {
        return holders().stream().mapToLong(t -> Math.max(0, t.estimatedRows())).sum();
    }

    /**
     * Whether {@link #estimatedRows} is an estimate rather than a 0 standing for "unknown": false when a relation that
     * holds the rows was never vacuumed or analysed, or holds none itself (a view, a foreign table).
     */
    public boolean rowsKnown() {
        return holders().stream().allMatch(PlannedTable::estimated);
    }

    private List<Table> holders() {
        return isPartitioned() ? partitions : List.of(source);
    }

    private static boolean estimated(Table t) {
        boolean stored = t.kind() == TableKind.TABLE || t.kind() == TableKind.MATERIALIZED_VIEW;
        // an empty heap needs no statistics to tell its row count
        return t.estimatedRows() >= 0 || stored && t.sizeBytes() == 0;
    }

    /** The names of the source table's own plain indexes: not backing a key or constraint, not a partition's copy. */
    public java.util.Set<String> plainIndexes() {
        return source.indexes().stream().filter(i -> i.constraintName().isEmpty() && !i.inheritedFromParent())
                .map(dev.godwit.workers.catalog.Index::name)
                .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
    }

    public boolean isPartitioned() {
        return source.kind() == TableKind.PARTITIONED;
    }

    /** What change data capture carries for a table. */
    public enum CdcCoverage {
        /** INSERT, UPDATE, DELETE and TRUNCATE. */
        ALL_CHANGES("inserts, updates, deletes"),
        /** Without a primary key or replica identity, UPDATE and DELETE cannot be published. */
        INSERTS_ONLY("inserts only: no primary key or replica identity, so updates and deletes fail on the source once published"),
        /**
         * Unlogged tables are not written to WAL, so no change of theirs can be streamed: they are copied in the full
         * load and once more inside the cutover, after the source's last change was applied.
         */
        COPIED_AT_CUTOVER("none streamed (unlogged: not in the WAL); copied again inside the cutover"),
        /** Views and foreign tables are copied once. */
        NONE_NOT_A_TABLE("none: copied once during the full load"),
        /** The task has no CDC phase. */
        NOT_APPLICABLE("not applicable: full-load task");

        private final String description;

        CdcCoverage(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }
}
