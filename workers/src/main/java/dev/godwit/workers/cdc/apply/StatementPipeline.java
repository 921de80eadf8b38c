package dev.godwit.workers.cdc.apply;

import dev.godwit.workers.cdc.pgoutput.ColumnValue;
import dev.godwit.workers.cdc.pgoutput.TupleData;
import dev.godwit.workers.pg.Lsn;
import java.sql.BatchUpdateException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Changes queued for the target and not yet sent, so that many of them travel in one round trip instead of one each,
 * and, where the statement allows, run as one statement.
 *
 * <p>One lane per target table holds a run of changes that use the same statement shape, in source order. A change
 * with another statement for the same table first sends that table's lane, so the order of the changes of one table is
 * always the source's. Lanes of different tables are sent in any order: within one target transaction the changes of
 * two tables commute, unless the server links the tables (a foreign key, a user trigger, a rule, inheritance or
 * partition membership; see {@link TargetCatalog#reorderable()}). A change to such a table, or any change while one is
 * pending, first sends everything pending: those tables keep their exact place in the source order.
 *
 * <p>A lane is sent as one statement over arrays of its rows' values when its statement has a
 * {@linkplain SetForm set form} (plain INSERTs; UPDATEs found by an unchanged key; DELETEs by key), else
 * as a JDBC batch of one statement per change. Either way every UPDATE and DELETE is checked on its own: one that
 * expected a row and found none is reported as missing with its table, key and source commit, as when it ran alone.
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
     * Queues a change through {@code prepared} with its row images (either may be null); may send what is pending,
     * first whatever must run before it.
     */
    void add(Change change, TableApplier.Prepared prepared, TupleData newRow, TupleData oldRow) throws SQLException {
        String key = change.table().quotedTable();
        boolean keepsPlace = !change.table().catalog().reorderable();
        Lane lane = lanes.get(key);
        if ((keepsPlace || ordered) && lanes.size() > (lane == null ? 0 : 1)) {
            flush();
            lane = null;
        }
        if (lane != null && lane.prepared != prepared) {
            // another statement of the same table: its earlier changes go first, in order
            lanes.remove(key);
            pending -= lane.entries.size();
            lane.send();
            lane = null;
        }
        if (lane == null) {
            lane = new Lane(prepared);
            lanes.put(key, lane);
        }
        lane.entries.add(new Entry(change, newRow, oldRow));
        pending++;
        bytes += size(newRow) + size(oldRow);
        ordered |= keepsPlace;
        if (pending >= maxChanges || bytes >= maxBytes) {
            flush();
        }
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
        lanes.clear();
        pending = 0;
        bytes = 0;
        ordered = false;
    }

    private static long size(TupleData row) {
        if (row == null) {
            return 0;
        }
        long n = 16L * row.size();
        for (ColumnValue v : row.values()) {
            if (v instanceof ColumnValue.Text t) {
                n += 2L * t.value().length();
            }
        }
        return n;
    }

    /** A change with the row images its statement binds. */
    private record Entry(Change change, TupleData newRow, TupleData oldRow) {
    }

    /** A run of changes of one table through one statement. */
    private final class Lane {
        final TableApplier.Prepared prepared;
        final List<Entry> entries = new ArrayList<>();

        Lane(TableApplier.Prepared prepared) {
            this.prepared = prepared;
        }

        void send() throws SQLException {
            if (prepared.set().isPresent() && entries.size() > 1) {
                sendAsSet(prepared.set().get());
            } else {
                sendAsBatch();
            }
        }

        /** One statement per change, all in one JDBC batch. */
        private void sendAsBatch() throws SQLException {
            PreparedStatement statement = prepared.statement();
            int[] counts;
            try {
                for (Entry e : entries) {
                    e.change().table().bind(prepared, e.newRow(), e.oldRow());
                    statement.addBatch();
                }
                counts = statement.executeBatch();
            } catch (BatchUpdateException e) {
                throw failure(e);
            } catch (SQLException e) {
                throw outcome.failed(entries.get(0).change(), e);
            } finally {
                statement.clearBatch();
            }
            for (int i = 0; i < entries.size(); i++) {
                check(entries.get(i).change(), i < counts.length ? counts[i] : Statement.SUCCESS_NO_INFO);
            }
        }

        /**
         * One statement for the run, or several: a change of a key already in the statement starts a new one, so
         * that each row changes once per statement, in the source's order (a DELETE then finds no row, as it would
         * alone). Where the table allows it ({@link UpdateRuns#merge()}), an UPDATE of a key already in
         * the statement replaces the earlier row image instead: it carries every sent column, and found its row
         * exactly when the earlier one did.
         */
        private void sendAsSet(SetForm set) throws SQLException {
            TableApplier table = entries.get(0).change().table();
            boolean merge = set.kind() == SetForm.Kind.UPDATE && table.catalog().updateRuns().merge();
            List<Entry> rows = new ArrayList<>();
            int[] position = new int[entries.size()];
            Map<Object, Integer> keys = new HashMap<>();
            int first = 0;
            for (int i = 0; i < entries.size(); i++) {
                Entry e = entries.get(i);
                if (set.kind() == SetForm.Kind.INSERT) {
                    position[i] = rows.size();
                    rows.add(e);
                    continue;
                }
                Object key = table.keyOf(prepared, e.newRow(), e.oldRow());
                Integer seen = keys.get(key);
                if (seen != null && merge) {
                    rows.set(seen, e);
                    position[i] = seen;
                    continue;
                }
                if (seen != null) {
                    runSet(set, rows, first, i, position);
                    rows.clear();
                    keys.clear();
                    first = i;
                }
                keys.put(key, rows.size());
                position[i] = rows.size();
                rows.add(e);
            }
            runSet(set, rows, first, entries.size(), position);
        }

        /** Runs {@code rows} (the changes {@code from} to {@code to} of the run) as one statement and checks each. */
        private void runSet(SetForm set, List<Entry> rows, int from, int to, int[] position)
                throws SQLException {
            TableApplier table = rows.get(0).change().table();
            BitSet changed = new BitSet(rows.size());
            try {
                PreparedStatement ps = table.bindSet(prepared, rows.stream().map(Entry::newRow).toList(),
                        rows.stream().map(Entry::oldRow).toList());
                if (set.kind() == SetForm.Kind.INSERT) {
                    ps.executeUpdate();
                    changed.set(0, rows.size());
                } else {
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            changed.set((int) rs.getLong(1) - 1); // ordinals count from 1
                        }
                    }
                }
            } catch (SQLException e) {
                throw outcome.failed(range(rows), e);
            }
            for (int i = from; i < to; i++) {
                check(entries.get(i).change(), changed.get(position[i]) ? 1 : 0);
            }
        }

        private void check(Change change, int rows) throws SQLException {
            if (rows == 0 && change.expect() == Expect.ONE_ROW) {
                throw outcome.missing(change);
            }
            outcome.applied(change, rows);
        }

        /**
         * PgJDBC marks every entry of a failed batch as failed (the target transaction is aborted at the first error)
         * and names the failing entry only in its message, "Batch entry N …". Without that (a translated message),
         * the error is reported for the whole run, with the range of keys it held.
         */
        private SQLException failure(BatchUpdateException e) {
            Matcher m = BATCH_ENTRY.matcher(String.valueOf(e.getMessage()));
            if (m.find()) {
                int index = Integer.parseInt(m.group(1));
                if (index >= 0 && index < entries.size()) {
                    return outcome.failed(entries.get(index).change(), e);
                }
            }
            return outcome.failed(range(entries), e);
        }

        /** A stand-in change naming a run of changes, for an error that the target reports for all of them. */
        private Change range(List<Entry> run) {
            Change first = run.get(0).change();
            if (run.size() == 1) {
                return first;
            }
            Change last = run.get(run.size() - 1).change();
            return new Change(first.table(), first.operation() + " (one of " + run.size() + " changes in one"
                    + " statement, keys " + first.table().describeKey(first.keyRow()) + " to "
                    + last.table().describeKey(last.keyRow()) + ")", first.keyRow(), first.commitLsn(),
                    first.walPosition(), first.expect());
        }
    }
}
