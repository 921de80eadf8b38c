package dev.godwit.workers.catalog;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What one column of a relation (or of an index, by number) sets beyond its definition.
 *
 * @param relationOid a table, partition or materialized view: the index's table for an index's column
 * @param index       the index's name, for a column of an index (an expression's, by {@code attnum})
 * @param statistics  its statistics target, when set
 * @param storage     {@code attstorage} when it differs from its type's: p plain, e external, m main, x extended
 * @param options     attribute options, {@code n_distinct=-1}
 */
public record ColumnOptions(long relationOid, Optional<String> index, int attnum, String name, OptionalInt statistics,
                            Optional<String> storage, List<String> options) {
    public ColumnOptions {
        options = List.copyOf(options);
    }
}
