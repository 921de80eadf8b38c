package dev.godwit.workers.cdc.apply;

import java.sql.SQLException;

/**
 * A change did not fit the target's rows (an UPDATE or DELETE found no row, an INSERT found its key taken) and the
 * conflict policy says this is an error. The message names the table, the operation, the key and the LSN.
 */
public final class ApplyConflictException extends SQLException {

    /** SQLSTATE: no_data_found (P0002) for a missing row, unique_violation (23505) for an existing key. */
    public ApplyConflictException(String message, String sqlState, Throwable cause) {
        super(message, sqlState, cause);
    }
}
