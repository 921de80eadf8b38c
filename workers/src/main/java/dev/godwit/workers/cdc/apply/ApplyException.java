package dev.godwit.workers.cdc.apply;

import dev.godwit.workers.pg.Lsn;

/**
 * A change that failed to apply and was skipped.
 *
 * @param commitLsn the final LSN of its source transaction
 * @param tableKey  the target table, e.g. {@code public.items}
 * @param rowKey    the row's key, e.g. {@code (id='7')}
 * @param operation INSERT, UPDATE, DELETE or TRUNCATE
 * @param sqlState  the target's SQLSTATE (P0002 for a missing row, 23505 for a taken key), when it gave one
 * @param error     the message
 * @param change    the change as JSON: source relation and its row images, column name to text value
 */
public record ApplyException(Lsn commitLsn, String tableKey, String rowKey, String operation, String sqlState, String error,
                             String change) {
}
