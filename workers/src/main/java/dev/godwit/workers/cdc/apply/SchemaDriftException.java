package dev.godwit.workers.cdc.apply;

import java.sql.SQLException;
import java.util.List;

/**
 * A Relation message describes columns the target does not have (or a column whose type changed), and the task does
 * not allow the applier to follow the DDL. Apply stops before any change of the new shape is written.
 */
public final class SchemaDriftException extends SQLException {

    private final String table;
    private final List<String> columns;

    public SchemaDriftException(String table, List<String> columns, String detail) {
        this(table, columns, detail, true);
    }

    /** @param additive whether the fix is to add the columns (else the detail says the fix) */
    public SchemaDriftException(String table, List<String> columns, String detail, boolean additive) {
        super("schema drift on source table " + table + ": " + detail + " " + columns
                + (additive ? "; add the columns to the target (or set cdc.ddl.addColumn: apply) and resume" : ""),
                "42703");
        this.table = table;
        this.columns = List.copyOf(columns);
    }

    public String table() {
        return table;
    }

    public List<String> columns() {
        return columns;
    }
}
