package dev.godwit.workers.validate;

import java.util.List;
import java.util.Optional;

/**
 * What is compared for one target table: the rows the full load would copy into it, read on the source through the
 * mappings, against the target table's rows.
 *
 * @param tableKey              {@code schema.name} of the target table
 * @param sourceRelations       the quoted source relations, each read {@code FROM ONLY} (a partitioned table's
 *                              leaves, or the one table), as the full load reads them
 * @param sourceExpressions     one SQL expression per compared target column, over a source relation's columns:
 *                              renamed, re-typed (cast to the target type) and added columns as the copy computes them
 * @param sourceFilter          the mappings' source filter, ANDed on the source side only
 * @param targetRelation        the quoted target table
 * @param targetWithDescendants read the target table with its partitions (a partitioned target); otherwise
 *                              {@code FROM ONLY}, as inheritance children are tables of their own
 * @param targetColumns         the quoted target columns, in the order of {@code sourceExpressions}
 * @param key                   the chunk key; empty for a table without a usable key (compared as one chunk)
 */
public record ValidatedTable(String tableKey, List<String> sourceRelations, List<String> sourceExpressions,
                             Optional<String> sourceFilter, String targetRelation, boolean targetWithDescendants,
                             List<String> targetColumns, Optional<ChunkKey> key) {
    public ValidatedTable {
        sourceRelations = List.copyOf(sourceRelations);
        sourceExpressions = List.copyOf(sourceExpressions);
        targetColumns = List.copyOf(targetColumns);
        if (sourceExpressions.size() != targetColumns.size()) {
            throw new IllegalArgumentException("table " + tableKey + ": " + sourceExpressions.size()
                    + " source expressions for " + targetColumns.size() + " target columns");
        }
        if (sourceRelations.isEmpty()) {
            throw new IllegalArgumentException("table " + tableKey + " has no source relation");
        }
    }
}
