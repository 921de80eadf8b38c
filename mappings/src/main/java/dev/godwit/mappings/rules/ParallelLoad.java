package dev.godwit.mappings.rules;

import dev.godwit.mappings.sql.SqlText;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** How one table's full load is split, from a table-settings {@code parallel-load} object. */
public sealed interface ParallelLoad {

    /** No split (also DMS's {@code none}, which overrides a split). */
    record None() implements ParallelLoad {
    }

    /**
     * Segments bounded by {@code boundaries}: each inner list is the exclusive upper bound of one segment, in the
     * order of {@code columns}.
     */
    record Ranges(List<String> columns, List<List<String>> boundaries) implements ParallelLoad {

        public Ranges {
            columns = List.copyOf(columns);
            boundaries = boundaries.stream().map(List::copyOf).toList();
        }

        /**
         * One WHERE predicate per segment: DMS's k+1 row-comparison segments, then one more for rows with a NULL in
         * any range column, which DMS silently leaves out and godwit copies.
         */
        public List<String> segmentPredicates() {
            String row = columns.stream().map(SqlText::identifier).collect(Collectors.joining(", ", "(", ")"));
            // A row comparison decides on the first unequal pair, so (0, NULL) < (1, 2) is true: with several columns
            // the range segments must exclude NULLs explicitly to stay disjoint from the NULL segment.
            String notNull = columns.size() == 1 ? "" : " AND " + columns.stream()
                    .map(c -> SqlText.identifier(c) + " IS NOT NULL").collect(Collectors.joining(" AND "));
            List<String> predicates = new ArrayList<>();
            String previous = null;
            for (List<String> bound : boundaries) {
                String below = row + " < " + bound.stream().map(SqlText::literal).collect(Collectors.joining(", ", "(", ")"));
                predicates.add((previous == null ? below : "NOT " + previous + " AND " + below) + notNull);
                previous = below;
            }
            predicates.add(previous == null
                    ? columns.stream().map(c -> SqlText.identifier(c) + " IS NOT NULL").collect(Collectors.joining(" AND "))
                    : "NOT " + previous + notNull);
            predicates.add(columns.stream().map(c -> SqlText.identifier(c) + " IS NULL")
                    .collect(Collectors.joining(" OR ")));
            return predicates;
        }
    }

    /** One segment per existing partition of a partitioned table (godwit supports it for PostgreSQL sources). */
    record PartitionsAuto() implements ParallelLoad {
    }

    /** One segment per named partition. */
    record PartitionsList(List<String> partitions) implements ParallelLoad {
        public PartitionsList {
            partitions = List.copyOf(partitions);
        }
    }
}
