package dev.godwit.workers.cdc.apply;

import dev.godwit.workers.cdc.pgoutput.OldTuple;
import dev.godwit.workers.cdc.pgoutput.TupleData;
import java.util.HashSet;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * What one source transaction touches on the target, for ordering it against others under parallel apply: row keys,
 * the tables it writes (shared), and the tables whose every row it may affect (exclusive: see {@link KeyShape}).
 */
final class TransactionKeys {
    final Set<Long> rows = new HashSet<>();
    final Set<String> shared = new HashSet<>();
    final Set<String> exclusive = new HashSet<>();

    void insert(KeyShape shape, TupleData row) {
        shared.add(shape.table());
        add(shape, shape.keyOf(row));
    }

    /** An UPDATE: found by its old key (or the new row's, when the key did not change), and holding the new key. */
    void update(KeyShape shape, Optional<OldTuple> old, TupleData row) {
        if (shape.wholeTable()) {
            exclusive.add(shape.table());
            return;
        }
        shared.add(shape.table());
        add(shape, shape.keyOf(row));
        if (old.isPresent()) {
            add(shape, shape.keyOf(old.get()));
        }
    }

    void delete(KeyShape shape, OldTuple old) {
        if (shape.wholeTable()) {
            exclusive.add(shape.table());
            return;
        }
        shared.add(shape.table());
        add(shape, shape.keyOf(old));
    }

    private void add(KeyShape shape, OptionalLong key) {
        if (key.isPresent()) {
            rows.add(key.getAsLong());
        } else if (shape.keyIndexes().length > 0) {
            exclusive.add(shape.table()); // a key value not sent: the row cannot be told apart
        }
    }
}
