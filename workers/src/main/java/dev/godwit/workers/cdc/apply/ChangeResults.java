package dev.godwit.workers.cdc.apply;

import dev.godwit.workers.cdc.apply.StatementPipeline.Change;
import java.sql.BatchUpdateException;
import java.sql.SQLException;

/**
 * What became of the changes sent, pipelined or alone: the errors for those the target refused or that found no row,
 * with the table, key and source commit in their messages; and the rows changed (and TRUNCATEs run), counted.
 */
final class ChangeResults implements StatementPipeline.Outcome {

    private long inserts;
    private long updates;
    private long deletes;
    private long truncates;

    @Override
    public SQLException failed(Change change, SQLException e) {
        SQLException cause = e instanceof BatchUpdateException && e.getNextException() != null
                ? e.getNextException() : e;
        if ("23505".equals(cause.getSQLState())) {
            return conflict(change, change.operation() + " found the key taken", "23505", cause);
        }
        TableApplier table = change.table();
        return new SQLException(change.operation() + " on " + table.target().qualifiedTarget() + " (source "
                + table.relation().qualifiedName() + ") failed for key " + table.describeKey(change.keyRow())
                + " in the source transaction committing at " + change.commitLsn() + ": " + cause.getMessage(),
                cause.getSQLState(), e);
    }

    @Override
    public ApplyConflictException missing(Change change) {
        return conflict(change, change.operation() + " found no row", "P0002", null);
    }

    /** A change that does not fit the target's rows: {@code what} happened, and to which row. */
    ApplyConflictException conflict(Change change, String what, String sqlState, Throwable cause) {
        TableApplier table = change.table();
        return new ApplyConflictException(what + " on " + table.target().qualifiedTarget() + " (source "
                + table.relation().qualifiedName() + "), key " + table.describeKey(change.keyRow())
                + ", source transaction committing at " + change.commitLsn() + " (message at "
                + change.walPosition() + ")" + (cause == null ? "" : ": " + cause.getMessage()), sqlState, cause);
    }

    @Override
    public void applied(Change change, int rows) {
        switch (change.operation()) {
            case "UPDATE" -> updates += Math.max(rows, 0);
            case "DELETE" -> deletes += Math.max(rows, 0);
            default -> inserts++;
        }
    }

    /** A TRUNCATE statement ran. */
    void truncated() {
        truncates++;
    }

    /** The rows changed and TRUNCATEs run so far (see {@link ApplyStats}). */
    record Rows(long inserts, long updates, long deletes, long truncates) {
        static final Rows NONE = new Rows(0, 0, 0, 0);
    }

    Rows rows() {
        return new Rows(inserts, updates, deletes, truncates);
    }
}
