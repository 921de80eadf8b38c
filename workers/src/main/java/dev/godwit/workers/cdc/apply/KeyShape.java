package dev.godwit.workers.cdc.apply;

import dev.godwit.workers.cdc.pgoutput.ColumnValue;
import dev.godwit.workers.cdc.pgoutput.OldTuple;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Relation;
import dev.godwit.workers.cdc.pgoutput.RelationColumn;
import dev.godwit.workers.cdc.pgoutput.TupleData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * How the changes of one routed relation are told apart for parallel apply: by the target table and the values of
 * the target's key columns in the change's row images. Two source transactions whose changes share a row key must
 * commit on the target in source order; others may commit in any order.
 *
 * <p>Where a row key cannot say everything, the table is {@code wholeTable}: its INSERTs still go by key, but each
 * UPDATE or DELETE orders its transaction against every other transaction that touches the table. That is the case
 * when the target has no key (rows are found by all their values), or a unique or exclusion constraint beyond the
 * key: a DELETE of one row and an INSERT of another with the same unique value have different keys, yet the INSERT
 * fails if it runs first.
 *
 * @param table      the target table, quoted and qualified
 * @param keyIndexes the positions in the relation's columns of the source columns that fill the target's key
 * @param keyFlagged whether each of those columns is in the source's replica identity (a key-only old tuple has it)
 */
record KeyShape(String table, int[] keyIndexes, boolean keyFlagged, boolean wholeTable) {

    /** The shape of {@code table}'s changes as they arrive in {@code relation}'s shape. */
    static KeyShape of(TableApplier table) throws SQLException {
        Relation relation = table.relation();
        ApplyTarget target = table.target();
        List<Integer> indexes = new ArrayList<>();
        boolean flagged = true;
        for (String key : target.keyColumns()) {
            String source = target.columns().stream().filter(c -> c.targetName().equals(key)).findFirst()
                    .orElseThrow().sourceName();
            int index = indexOf(relation.columns(), source);
            if (index < 0) {
                indexes.clear();
                break;
            }
            indexes.add(index);
            flagged &= relation.columns().get(index).isKey();
        }
        boolean whole = indexes.isEmpty() || !table.catalog().updateRuns().asOneStatement();
        return new KeyShape(table.quotedTable(), indexes.stream().mapToInt(Integer::intValue).toArray(), flagged,
                whole);
    }

    private static int indexOf(List<RelationColumn> columns, String name) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** The row key of a new row image; empty when a key value was not sent (unchanged TOAST). */
    OptionalLong keyOf(TupleData row) {
        if (keyIndexes.length == 0) {
            return OptionalLong.empty();
        }
        long h = mix(0xcbf29ce484222325L, table);
        for (int index : keyIndexes) {
            ColumnValue value = row.get(index);
            if (value instanceof ColumnValue.UnchangedToast) {
                return OptionalLong.empty();
            }
            h = mix(h * 31 + 7, value instanceof ColumnValue.Text t ? t.value()
                    : value instanceof ColumnValue.Binary b ? java.util.Arrays.toString(b.bytes()) : "\u0000null");
        }
        return OptionalLong.of(h);
    }

    /** The row key of an old row image; empty when it does not hold the key's values. */
    OptionalLong keyOf(OldTuple old) {
        if (old.kind() == OldTuple.Kind.KEY && !keyFlagged) {
            return OptionalLong.empty();
        }
        return keyOf(old.tuple());
    }

    /** FNV-1a over the characters: a collision only orders two transactions that needed no order. */
    private static long mix(long h, String text) {
        for (int i = 0; i < text.length(); i++) {
            h ^= text.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }
}
