package dev.godwit.workers.cdc.apply;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.godwit.workers.cdc.pgoutput.ColumnValue;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Relation;
import dev.godwit.workers.cdc.pgoutput.TupleData;

/**
 * A skipped change as JSON for the exception log, so that a person can apply it by hand: the source relation and its
 * row images, column name to text value (JSON null for SQL NULL; an unchanged-TOAST column is left out, its value
 * was never sent).
 */
final class ChangeJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ChangeJson() {
    }

    static String of(Relation relation, TupleData newRow, TupleData oldRow) {
        ObjectNode root = JSON.createObjectNode();
        root.put("relation", relation.qualifiedName());
        if (newRow != null) {
            root.set("new", row(relation, newRow));
        }
        if (oldRow != null) {
            root.set("old", row(relation, oldRow));
        }
        return root.toString();
    }

    private static ObjectNode row(Relation relation, TupleData row) {
        ObjectNode out = JSON.createObjectNode();
        for (int i = 0; i < row.size() && i < relation.columns().size(); i++) {
            String name = relation.columns().get(i).name();
            ColumnValue value = row.get(i);
            if (value instanceof ColumnValue.Text t) {
                out.put(name, t.value());
            } else if (value instanceof ColumnValue.Null) {
                out.putNull(name);
            } else if (value instanceof ColumnValue.Binary b) {
                out.put(name, b.toString());
            }
        }
        return out;
    }
}
