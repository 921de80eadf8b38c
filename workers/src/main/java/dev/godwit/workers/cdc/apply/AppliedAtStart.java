package dev.godwit.workers.cdc.apply;

import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Begin;
import dev.godwit.workers.pg.Lsn;
import java.sql.SQLException;
import java.util.Set;

/**
 * What the target held when an applier started: every source transaction committed below the checkpoint, and those
 * parallel apply recorded above it. Both the serial and the parallel applier skip what it holds, so a task may resume
 * with another number of connections and still apply each transaction once.
 *
 * @param checkpoint the end LSN of the last source transaction applied in order
 * @param above      the commit LSNs ({@code Begin.finalLsn}) committed above the checkpoint
 */
record AppliedAtStart(Lsn checkpoint, Set<Lsn> above) {

    AppliedAtStart {
        above = Set.copyOf(above);
    }

    static AppliedAtStart read(Checkpoint checkpoint) throws SQLException {
        return new AppliedAtStart(checkpoint.current(), checkpoint.appliedAbove());
    }

    /** Whether the target already holds this source transaction. */
    boolean holds(Begin begin) {
        return begin.finalLsn().isBefore(checkpoint) || above.contains(begin.finalLsn());
    }
}
