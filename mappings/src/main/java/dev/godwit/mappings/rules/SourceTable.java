package dev.godwit.mappings.rules;

import java.util.List;
import java.util.Optional;

/**
 * A source relation as the catalog reports it.
 *
 * @param primaryKey primary-key column names in key order; empty when the table has none
 */
public record SourceTable(String schema, String name, SourceTableKind kind, List<SourceColumn> columns,
                          List<String> primaryKey) {

    public SourceTable {
        columns = List.copyOf(columns);
        primaryKey = List.copyOf(primaryKey);
    }

    public Optional<SourceColumn> column(String columnName) {
        return columns.stream().filter(c -> c.name().equals(columnName)).findFirst();
    }

    /** {@code schema.name} as written in the catalog, unquoted: for messages and settings keys. */
    public String qualifiedName() {
        return schema + "." + name;
    }
}
