package dev.godwit.workers.cdc.apply;

import dev.godwit.mappings.task.ErrorPolicy;
import dev.godwit.workers.cdc.pgoutput.TupleData;
import dev.godwit.workers.pg.Lsn;
import dev.godwit.workers.pg.SqlStates;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The error policy around each change. Under {@code errorPolicy: log-and-continue} each change runs alone inside a
 * savepoint: a change the target refuses is rolled back to it, recorded through the {@link ApplyExceptionLog} in the
 * same target transaction, and skipped. Under {@code stop} the change's error stops the applier.
 */
final class ErrorPolicyGuard {
    /** Logged under the applier's name, where operators look for it. */
    private static final Logger log = LoggerFactory.getLogger(ChangeApplier.class);

    /** A change's work, which may fail with the target's error. */
    @FunctionalInterface
    interface ChangeWork {
        void run() throws SQLException;
    }

    private final Connection conn;
    private final ApplyExceptionLog exceptions;
    private final boolean logAndContinue;
    private long skippedChanges;

    ErrorPolicyGuard(Connection conn, ErrorPolicy policy, ApplyExceptionLog exceptions) {
        this.conn = conn;
        this.exceptions = exceptions;
        this.logAndContinue = policy == ErrorPolicy.LOG_AND_CONTINUE;
    }

    /**
     * Runs {@code work}: as it is under the stop policy; under log-and-continue inside a savepoint, so that a change
     * the target refuses is undone alone, recorded in the exception log within the same target transaction, and
     * skipped. Lost connections and server shutdowns are not the change's fault and still stop the applier (to be
     * retried from the checkpoint).
     *
     * @param commitLsn the final LSN of the change's source transaction
     */
    void run(TableApplier table, String operation, Lsn commitLsn, TupleData newRow, TupleData oldRow,
             ChangeWork work) throws SQLException {
        if (!logAndContinue) {
            work.run();
            return;
        }
        Savepoint savepoint = conn.setSavepoint();
        try {
            work.run();
            conn.releaseSavepoint(savepoint);
        } catch (SQLException e) {
            if (SqlStates.isTransient(e) || e instanceof SchemaDriftException || SqlStates.isMissingPartition(e)) {
                throw e;
            }
            conn.rollback(savepoint);
            ApplyException skipped = new ApplyException(commitLsn,
                    table.target().qualifiedTarget(), table.describeKey(oldRow != null ? oldRow : newRow),
                    operation, e.getSQLState(), e.getMessage(), ChangeJson.of(table.relation(), newRow, oldRow));
            exceptions.record(conn, skipped);
            skippedChanges++;
            log.warn("cdc: skipped a change (errorPolicy log-and-continue, recorded in apply_exception): {}",
                    e.getMessage());
        }
    }

    /** Changes the target refused, recorded and skipped. */
    long skippedChanges() {
        return skippedChanges;
    }
}
