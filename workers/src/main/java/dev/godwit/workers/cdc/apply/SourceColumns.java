package dev.godwit.workers.cdc.apply;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;

/**
 * What the applier learns of a source table's columns beyond a Relation message, which names columns but does not
 * say which of them is which across DDL:
 * <ul>
 * <li>a column as the source's catalog has it now, asked when a Relation message shows a column the target lacks:
 *     the rows the source table had when the column was added hold the value PostgreSQL keeps for them
 *     ({@code attmissingval}, a non-volatile default given to ADD COLUMN), which no change carries;</li>
 * <li>the source columns' attnums now: PostgreSQL keeps a column's attnum across a rename, a dropped column's attnum
 *     is never reused, and an added column gets a new one; so the attnum tells a rename from a drop and an add;</li>
 * <li>the task's record, per target table, of the source column (by attnum) each of its columns follows, under the
 *     name the target last followed it by. It is read and written through the apply session, in its transaction, so a
 *     column DDL godwit applies and its record commit together with the changes around them.</li>
 * </ul>
 */
public interface SourceColumns {

    /**
     * @param attnum            the column's attnum on the source
     * @param existingRowsValue the value of the rows the table had when the column was added, as text; empty when
     *                          they got NULL (or when it cannot be known: a volatile default rewrote them)
     * @param defaultExpression its default now, as SQL
     * @param rewritten         the column has a default but no kept value: it was added with a volatile default
     *                          (each existing row got its own value), the table was rewritten since (which drops
     *                          the kept value), or it was added first and given a default later
     */
    record Column(int attnum, Optional<String> existingRowsValue, Optional<String> defaultExpression, boolean notNull,
                  boolean rewritten) {
    }

    Optional<Column> column(String schema, String table, String column) throws SQLException;

    /** Every column the source table has now, by name, with its attnum; empty when the table is gone. */
    Map<String, Integer> attnums(String schema, String table) throws SQLException;

    /**
     * The recorded source columns of target table {@code tableKey} ({@code schema.name}): attnum → the source name
     * the target follows it by; empty when nothing is recorded (then no rename can be told apart).
     */
    Map<Integer, String> recorded(Connection target, String tableKey) throws SQLException;

    /** Records that target table {@code tableKey} follows source column {@code attnum} under {@code name}. */
    void added(Connection target, String tableKey, int attnum, String name) throws SQLException;

    /** Records that source column {@code attnum} is gone from the source (and so from what the table follows). */
    void dropped(Connection target, String tableKey, int attnum) throws SQLException;

    /** Records that source column {@code attnum} was renamed from {@code from} to {@code to}, and that godwit followed. */
    void renamed(Connection target, String tableKey, int attnum, String from, String to) throws SQLException;

    /**
     * Knows nothing: a column added on the source is added with NULL in the existing rows and no default, and a
     * rename cannot be told apart from a drop and an add.
     */
    static SourceColumns none() {
        return new SourceColumns() {
            @Override
            public Optional<Column> column(String schema, String table, String column) {
                return Optional.empty();
            }

            @Override
            public Map<String, Integer> attnums(String schema, String table) {
                return Map.of();
            }

            @Override
            public Map<Integer, String> recorded(Connection target, String tableKey) {
                return Map.of();
            }

            @Override
            public void added(Connection target, String tableKey, int attnum, String name) {
                // nothing is recorded
            }

            @Override
            public void dropped(Connection target, String tableKey, int attnum) {
                // nothing is recorded
            }

            @Override
            public void renamed(Connection target, String tableKey, int attnum, String from, String to) {
                // nothing is recorded
            }
        };
    }
}
