package dev.godwit.workers.cdc.apply;

import java.sql.SQLException;
import java.util.Optional;

/**
 * A column as the source's catalog has it now, asked when a Relation message shows a column the target lacks: the
 * rows the source table had when the column was added hold the value PostgreSQL keeps for them
 * ({@code attmissingval}, a non-volatile default given to ADD COLUMN), which no change carries.
 */
@FunctionalInterface
public interface SourceColumns {

    /**
     * @param existingRowsValue the value of the rows the table had when the column was added, as text; empty when
     *                          they got NULL (or when it cannot be known: a volatile default rewrote them)
     * @param defaultExpression its default now, as SQL
     * @param rewritten         the column has a default but no kept value: it was added with a volatile default
     *                          (each existing row got its own value), the table was rewritten since (which drops
     *                          the kept value), or it was added first and given a default later
     */
    record Column(Optional<String> existingRowsValue, Optional<String> defaultExpression, boolean notNull,
                  boolean rewritten) {
    }

    Optional<Column> column(String schema, String table, String column) throws SQLException;

    /** Knows nothing: a column added on the source is added with NULL in the existing rows and no default. */
    static SourceColumns none() {
        return (schema, table, column) -> Optional.empty();
    }
}
