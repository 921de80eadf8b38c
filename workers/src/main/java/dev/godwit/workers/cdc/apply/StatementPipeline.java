package dev.godwit.workers.cdc.apply;

import dev.godwit.workers.cdc.pgoutput.ColumnValue;
import dev.godwit.workers.cdc.pgoutput.TupleData;
import dev.godwit.workers.pg.Lsn;
import java.sql.BatchUpdateException;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Changes bound to their prepared statements and not yet sent, so that many of them travel to the target in one
 * round trip (a JDBC batch) instead of one each.
 *
 * <p>One lane per target table holds a run of changes that use the same prepared statement, in source order. A change
 * with another statement for the same table first sends that table's lane, so the order of the changes of one table is
 * always the source's. Lanes of different tables are sent in any order: within one target transaction the changes of
 * two tables commute, unless the server links the tables (a foreign key, a user trigger, a rule, inheritance or
 * partition membership; see {@link TableApplier#reorderable()}). A change to such a table, or any change while one is
 * pending, first sends everything pending: those tables keep their exact place in the source order, and only runs of
 * one statement are batched.
 *
 * <p>Every UPDATE and DELETE is checked against its own row count after the batch ran: a change that expected exactly
 * one row and found none is reported as missing with its table, key and source commit, the same as when it ran alone.
 * Memory is bounded: the pipeline is sent when it holds {@code maxChanges} changes or {@code maxBytes} of values.
 */
final class StatementPipeline {

    /** What a change expects of its row count. */
    enum Expect { ANY, ONE_ROW }

    /**
     * One pending change, for counting and for error messages.
     *
     * @param keyRow    the row image its key is shown from
     * @param commitLsn the final LSN of its source transaction
     */
    record Change(TableApplier table, String operation, TupleData keyRow, Lsn commitLsn, Lsn walPosition,
                  Expect expect) {
    }

    /** What the applier makes of a lane's results. */
    interface Outcome {
        /** The error to throw for a change the target refused. */
        SQLException failed(Change change, SQLException cause);

        /** The error to throw for a change that expected one row and found none. */
        SQLException missing(Change change);

        /** A change ran and changed {@code rows} rows ({@link Statement#SUCCESS_NO_INFO} when unknown). */
        void applied(Change change, int rows);
    }

    private static final Pattern BATCH_ENTRY = Pattern.compile("Batch entry (\\d+) ");

    private final int maxChanges;
    private final long maxBytes;
    private final Outcome outcome;
    private final Map<String, Lane> lanes = new LinkedHashMap<>();
    private int pending;
    private long bytes;
    private boolean ordered;

    StatementPipeline(int maxChanges, long maxBytes, Outcome outcome) {
        this.maxChanges = maxChanges;
        this.maxBytes = maxBytes;
        this.outcome = outcome;
    }

    /**
     * Sends what must run before a change of {@code table} when the tables' order matters. Call it before binding
     * that change's statement: a statement's bound parameters must not be sent with an earlier batch of it.
     */
    void makeRoom(TableApplier table) throws SQLException {
        boolean keepsPlace = !table.reorderable();
        int own = lanes.containsKey(table.quotedTable()) ? 1 : 0;
        if ((keepsPlace || ordered) && lanes.size() > own) {
            flush();
        }
    }

    /**
     * Queues {@code statement}, whose parameters are bound to {@code change} (after {@link #makeRoom}); may send what
     * is pending.
     */
    void add(Change change, PreparedStatement statement, TupleData... rows) throws SQLException {
        String key = change.table().quotedTable();
        Lane lane = lanes.get(key);
        if (lane != null && lane.statement != statement) {
            // another statement of the same table: its earlier changes go first, in order
            lanes.remove(key);
            pending -= lane.changes.size();
            lane.send();
            lane = null;
        }
        if (lane == null) {
            lane = new Lane(statement);
            lanes.put(key, lane);
        }
        statement.addBatch();
        lane.changes.add(change);
        pending++;
        for (TupleData row : rows) {
            if (row != null) {
                bytes += size(row);
            }
        }
        ordered |= !change.table().reorderable();
        if (pending >= maxChanges || bytes >= maxBytes) {
            flush();
        }
    }

    boolean isEmpty() {
        return pending == 0;
    }

    /** Sends everything pending; on failure, what was not sent is dropped (the target transaction is lost anyway). */
    void flush() throws SQLException {
        try {
            for (Lane lane : lanes.values()) {
                lane.send();
            }
        } finally {
            discard();
        }
    }

    /** Drops what is pending without sending it (after a failure, before the rollback). */
    void discard() {
        for (Lane lane : lanes.values()) {
            try {
                lane.statement.clearBatch();
            } catch (SQLException ignored) {
                // the statement is closed already; its batch went with it
            }
        }
        lanes.clear();
        pending = 0;
        bytes = 0;
        ordered = false;
    }

    private static long size(TupleData row) {
        long n = 16L * row.size();
        for (ColumnValue v : row.values()) {
            if (v instanceof ColumnValue.Text t) {
                n += 2L * t.value().length();
            }
        }
        return n;
    }

    /** A run of changes of one table through one statement. */
    private final class Lane {
        final PreparedStatement statement;
        final List<Change> changes = new ArrayList<>();

        Lane(PreparedStatement statement) {
            this.statement = statement;
        }

        void send() throws SQLException {
            int[] counts;
            try {
                counts = statement.executeBatch();
            } catch (BatchUpdateException e) {
                throw failure(e);
            } catch (SQLException e) {
                throw outcome.failed(changes.get(0), e);
            }
            for (int i = 0; i < changes.size(); i++) {
                Change change = changes.get(i);
                int rows = i < counts.length ? counts[i] : Statement.SUCCESS_NO_INFO;
                if (rows == 0 && change.expect() == Expect.ONE_ROW) {
                    throw outcome.missing(change);
                }
                outcome.applied(change, rows);
            }
        }

        /**
         * PgJDBC marks every entry of a failed batch as failed (the target transaction is aborted at the first error)
         * and names the failing entry only in its message, "Batch entry N …". Without that (a translated message),
         * the error is reported for the first change of the batch, with the range of keys it held.
         */
        private SQLException failure(BatchUpdateException e) {
            Matcher m = BATCH_ENTRY.matcher(String.valueOf(e.getMessage()));
            if (m.find()) {
                int index = Integer.parseInt(m.group(1));
                if (index >= 0 && index < changes.size()) {
                    return outcome.failed(changes.get(index), e);
                }
            }
            Change first = changes.get(0);
            Change last = changes.get(changes.size() - 1);
            return outcome.failed(new Change(first.table(), first.operation() + " (one of a batch of " + changes.size()
                    + " changes, from key " + first.table().describeKey(first.keyRow()) + " to key "
                    + last.table().describeKey(last.keyRow()) + ")", first.keyRow(), first.commitLsn(),
                    first.walPosition(), first.expect()), e);
        }
    }
}
