package dev.godwit.mappings.rules;

import dev.godwit.mappings.sql.SqlText;

/**
 * One {@code filter-conditions} entry. Values are written as untyped PostgreSQL literals: PostgreSQL resolves such a
 * literal to the column's type, so {@code '10'} compares as a number on an integer column and as a date on a date
 * column, without the truncation an explicit cast to {@code varchar(n)} would cause. This deliberately differs from
 * DMS, which compares with SQLite's type affinity.
 *
 * @param value      for one-operand operators, else null
 * @param startValue for between/notbetween, else null
 * @param endValue   for between/notbetween, else null
 */
public record FilterCondition(FilterOperator operator, String value, String startValue, String endValue) {

    /** A PostgreSQL boolean expression over the quoted column. */
    public String sql(String column) {
        String quoted = SqlText.identifier(column);
        return switch (operator) {
            case EQ -> quoted + " = " + SqlText.literal(value);
            case NOTEQ -> quoted + " <> " + SqlText.literal(value);
            case GTE -> quoted + " >= " + SqlText.literal(value);
            case STE, LTE -> quoted + " <= " + SqlText.literal(value);
            case BETWEEN -> quoted + " BETWEEN " + SqlText.literal(startValue) + " AND " + SqlText.literal(endValue);
            case NOTBETWEEN -> quoted + " NOT BETWEEN " + SqlText.literal(startValue) + " AND " + SqlText.literal(endValue);
            case NULL -> quoted + " IS NULL";
            case NOTNULL -> quoted + " IS NOT NULL";
        };
    }
}
