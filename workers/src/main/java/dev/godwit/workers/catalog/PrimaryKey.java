package dev.godwit.workers.catalog;

import java.util.List;

/** A table's primary key: the constraint name and its column names in key order. */
public record PrimaryKey(String name, List<String> columns) {
    public PrimaryKey {
        columns = List.copyOf(columns);
    }
}
