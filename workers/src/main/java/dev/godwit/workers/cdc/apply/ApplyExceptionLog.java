package dev.godwit.workers.cdc.apply;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Where the applier records a change it skipped under {@code errorPolicy: log-and-continue}: written on the target in
 * the same transaction as the rest of that source transaction and its checkpoint, so a restart that applies the
 * transaction again records the change again only if the first record was rolled back with it.
 */
@FunctionalInterface
public interface ApplyExceptionLog {

    /** Records {@code exception} inside the open target transaction. Must not commit, roll back or change autocommit. */
    void record(Connection target, ApplyException exception) throws SQLException;

    /** For an applier that stops on every error: nothing is ever recorded. */
    static ApplyExceptionLog none() {
        return (target, exception) -> {
            throw new IllegalStateException("no exception log: the error policy must be stop");
        };
    }
}
