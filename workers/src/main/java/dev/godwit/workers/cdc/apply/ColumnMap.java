package dev.godwit.workers.cdc.apply;

import dev.godwit.mappings.rules.OperationIndicator;
import dev.godwit.mappings.sql.SqlText;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Relation;
import dev.godwit.workers.cdc.pgoutput.RelationColumn;
import dev.godwit.workers.cdc.pgoutput.TupleData;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The columns of one source relation, in the shape of its latest Relation message, on its target table: which target
 * column each relation column (by index, as row images hold them) is written to, if any.
 */
final class ColumnMap {

    private final Relation relation;
    private final ApplyTarget target;
    private final ApplyTarget.Column[] written;
    private final String table;

    ColumnMap(Relation relation, ApplyTarget target) {
        this.relation = relation;
        this.target = target;
        this.table = SqlText.qualified(target.targetSchema(), target.targetName());
        List<RelationColumn> columns = relation.columns();
        this.written = new ApplyTarget.Column[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            written[i] = target.column(columns.get(i).name()).orElse(null);
        }
    }

    Relation relation() {
        return relation;
    }

    ApplyTarget target() {
        return target;
    }

    /** The target table, qualified and quoted. */
    String table() {
        return table;
    }

    /** How many columns the relation has. */
    int size() {
        return written.length;
    }

    /** The target column relation column {@code i} is written to; null when it is not written. */
    ApplyTarget.Column written(int i) {
        return written[i];
    }

    /** The quoted name of relation column {@code i}. */
    String sourceIdentifier(int i) {
        return SqlText.identifier(relation.columns().get(i).name());
    }

    /** The type of relation column {@code i} in the derived table added-column expressions read. */
    Optional<String> sourceType(int i) {
        String name = relation.columns().get(i).name();
        String type = target.sourceTypes().get(name);
        if (type == null && written[i] != null) {
            type = written[i].targetType();
        }
        return Optional.ofNullable(type);
    }

    /** The relation column written to target column {@code targetName}; -1 when none is. */
    int indexOfTarget(String targetName) {
        for (int i = 0; i < written.length; i++) {
            if (written[i] != null && written[i].targetName().equals(targetName)) {
                return i;
            }
        }
        return -1;
    }

    /** The value of added column {@code a} for operation {@code operation} ('I', 'U' or 'D'), cast to its type. */
    static String addedValue(ApplyTarget.AddedColumn a, char operation) {
        if (a.operationIndicator().isPresent()) {
            OperationIndicator values = a.operationIndicator().get();
            String value = switch (operation) {
                case 'I' -> values.insertValue();
                case 'U' -> values.updateValue();
                default -> values.deleteValue();
            };
            return (value == null ? "NULL" : SqlText.literal(value)) + "::" + a.targetType();
        }
        return "(" + a.expression() + ")::" + a.targetType();
    }

    /** The key of {@code row} (or its first columns when the table has none), for error messages. */
    String describeKey(TupleData row) {
        if (row == null) {
            return "(no row)";
        }
        List<String> parts = new ArrayList<>();
        List<RelationColumn> columns = relation.columns();
        for (int i = 0; i < columns.size() && i < row.size(); i++) {
            boolean key = target.keyColumns().isEmpty() ? columns.get(i).isKey()
                    : written[i] != null && target.keyColumns().contains(written[i].targetName());
            if (key) {
                String v = String.valueOf(row.get(i));
                parts.add(columns.get(i).name() + "=" + (v.length() > 100 ? v.substring(0, 100) + "…" : v));
            }
            if (parts.size() >= 8) {
                break;
            }
        }
        return "(" + String.join(", ", parts) + ")";
    }
}
