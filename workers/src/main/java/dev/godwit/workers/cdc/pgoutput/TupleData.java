package dev.godwit.workers.cdc.pgoutput;

import java.util.List;

/**
 * The column values of one row, in the order of the columns of the latest {@link PgOutputMessage.Relation} for the
 * relation (map them by name through {@link RelationCache}, not by the target's column order).
 */
public record TupleData(List<ColumnValue> values) {

    public TupleData {
        values = List.copyOf(values);
    }

    public static TupleData of(ColumnValue... values) {
        return new TupleData(List.of(values));
    }

    public int size() {
        return values.size();
    }

    public ColumnValue get(int index) {
        return values.get(index);
    }

    /** Whether any column is {@link ColumnValue.UnchangedToast}, i.e. this row is not complete. */
    public boolean hasUnchangedToast() {
        for (ColumnValue value : values) { // asked for every change: no stream
            if (value instanceof ColumnValue.UnchangedToast) {
                return true;
            }
        }
        return false;
    }
}
