package dev.godwit.workers.cdc.apply;

import dev.godwit.workers.pg.Lsn;
import java.time.Instant;
import java.util.Optional;

/**
 * What the applier has done so far (a snapshot).
 *
 * @param transactions         source transactions applied and committed on the target
 * @param skippedTransactions  source transactions skipped because the checkpoint already covered them
 * @param inserts              rows inserted (including updates turned into inserts by the conflict policy)
 * @param updates              rows updated (including soft deletes of an operation indicator)
 * @param deletes              rows deleted
 * @param truncates            TRUNCATE statements run
 * @param skippedChanges       changes the target refused, recorded and skipped under {@code log-and-continue}
 * @param lastCommittedEndLsn  the end LSN of the last source transaction committed on the target: safe to confirm to
 *                             the source's slot
 * @param lastCommitTime       the source commit time of that transaction (now minus it = apply lag)
 */
public record ApplyStats(long transactions, long skippedTransactions, long inserts, long updates, long deletes,
                         long truncates, long skippedChanges, Lsn lastCommittedEndLsn, Optional<Instant> lastCommitTime) {

    /** Row changes applied: inserts, updates, deletes and truncates. */
    public long changes() {
        return inserts + updates + deletes + truncates;
    }
}
