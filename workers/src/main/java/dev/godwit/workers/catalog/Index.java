package dev.godwit.workers.catalog;

import java.util.List;
import java.util.Optional;

/**
 * An index of a relation.
 *
 * @param definition          {@code pg_get_indexdef}: a complete CREATE INDEX statement
 * @param constraintName      the PRIMARY KEY, UNIQUE or EXCLUDE constraint the index backs
 * @param columns             key columns in key order; an expression key appears as its expression text
 * @param includedColumns     the INCLUDE columns
 * @param inheritedFromParent an index of a partition that is attached to an index of the partitioned parent
 * @param valid               false for an index a failed CREATE INDEX CONCURRENTLY left behind
 * @param nullsNotDistinct    a unique index that treats NULLs as equal (PostgreSQL 15+)
 */
public record Index(String name, String definition, boolean primary, boolean unique, boolean replicaIdentity,
                    boolean partial, Optional<String> constraintName, List<String> columns,
                    List<String> includedColumns, boolean inheritedFromParent, boolean valid,
                    boolean nullsNotDistinct, Optional<String> tablespace) {
    public Index {
        columns = List.copyOf(columns);
        includedColumns = List.copyOf(includedColumns);
    }

    Index withNullsNotDistinct() {
        return new Index(name, definition, primary, unique, replicaIdentity, partial, constraintName, columns,
                includedColumns, inheritedFromParent, valid, true, tablespace);
    }
}
