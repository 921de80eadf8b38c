package dev.godwit.mappings.rules;

import java.util.List;

/**
 * A key a {@code define-primary-key} rule declares on a target table.
 *
 * @param columns target column names, in key order
 */
public record PrimaryKeyDefinition(String name, Origin origin, List<String> columns) {

    public enum Origin { PRIMARY_KEY, UNIQUE_INDEX }

    public PrimaryKeyDefinition {
        columns = List.copyOf(columns);
    }
}
