package dev.godwit.workers.cdc.apply;

import dev.godwit.workers.cdc.pgoutput.OldTuple;
import java.util.Optional;

/** Which row image identifies the row of an UPDATE or DELETE. */
enum RowIdentity {
    KEY, OLD_ROW, NEW_ROW;

    /** The identity of a change with the old row image {@code old} (none: the new row's key). */
    static RowIdentity of(Optional<OldTuple> old) {
        return old.map(o -> o.kind() == OldTuple.Kind.KEY ? KEY : OLD_ROW).orElse(NEW_ROW);
    }
}
