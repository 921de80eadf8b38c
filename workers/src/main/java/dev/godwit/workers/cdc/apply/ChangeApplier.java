package dev.godwit.workers.cdc.apply;

import dev.godwit.mappings.sql.SqlText;
import dev.godwit.workers.cdc.pgoutput.ColumnValue;
import dev.godwit.workers.cdc.pgoutput.OldTuple;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Begin;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Commit;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Delete;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Insert;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Relation;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Truncate;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Update;
import dev.godwit.workers.cdc.pgoutput.RelationCache;
import dev.godwit.workers.cdc.pgoutput.RelationColumn;
import dev.godwit.workers.cdc.pgoutput.TupleData;
import dev.godwit.workers.cdc.pgoutput.TypeCache;
import dev.godwit.mappings.task.ErrorPolicy;
import dev.godwit.workers.cdc.apply.StatementPipeline.Change;
import dev.godwit.workers.cdc.apply.StatementPipeline.Expect;
import dev.godwit.workers.pg.DurableCommits;
import dev.godwit.workers.pg.Lsn;
import dev.godwit.workers.pg.SqlStates;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays decoded pgoutput messages on the target: each source transaction in one target transaction that also
 * records the checkpoint (its commit end LSN), so a crash anywhere leaves either both or neither.
 *
 * <p>Changes go into the open target transaction as they arrive, through a {@link StatementPipeline}: bound to their
 * prepared statements and sent in JDBC batches (one round trip for many changes), at most
 * {@link ApplyOptions#batchSize()} changes waiting, so a transaction far larger than the heap applies. The changes of
 * one table always run in source order; tables the target links (foreign keys, triggers, inheritance) keep their
 * place among all others. Everything pending is sent before a TRUNCATE, DDL, the checkpoint and the commit.
 *
 * <p>Under {@code errorPolicy: log-and-continue} each change runs alone inside a savepoint: a change the target refuses
 * is rolled back to it, recorded through the {@link ApplyExceptionLog} in the same target transaction, and skipped.
 *
 * <p>Resume: a transaction whose {@code Begin.finalLsn} (the start of its commit record) is below the checkpoint read
 * at start is skipped whole. That is the same as "end LSN ≤ checkpoint": commit records do not overlap, so for the
 * checkpointed transaction C, finalLsn(C) &lt; end(C) = checkpoint; any transaction T that committed earlier has
 * end(T) ≤ finalLsn(C) &lt; checkpoint; any later one starts its commit record at or after end(C), so
 * finalLsn(T) ≥ checkpoint. Per-change LSNs are never used for this.
 *
 * <p>With {@code maxTransactionsPerCommit > 1}, up to that many source transactions share one target transaction, and
 * the checkpoint written is the end LSN of the last of them: all of them commit, or none, so resuming from that
 * checkpoint still neither loses nor repeats anything. {@link #commitPending()} commits a partial group (call it when
 * the stream is idle); {@link ApplyStats#lastCommittedEndLsn()} is what may be confirmed to the source: the applier's
 * session commits durably ({@link DurableCommits}), whatever the target's {@code synchronous_commit}.
 *
 * <p>After any exception the target transaction is rolled back and the applier refuses further messages: start a new
 * one (from the checkpoint) on a fresh replication stream. Not thread-safe.
 */
public final class ChangeApplier {
    private static final Logger log = LoggerFactory.getLogger(ChangeApplier.class);

    /** Values waiting in the pipeline, at most (PgJDBC holds them until the batch is sent). */
    private static final long PIPELINE_BYTES = 8L << 20;

    private final Connection conn;
    private final Function<Relation, Optional<ApplyTarget>> routing;
    private final Checkpoint checkpoint;
    private final ApplyOptions options;
    private final Lsn startCheckpoint;
    private final RelationCache relations = new RelationCache();
    private final TypeCache types = new TypeCache();
    private final Map<Long, TableApplier> tables = new HashMap<>();
    private final StatementPipeline pipeline;
    private final ApplyExceptionLog exceptions;
    private final boolean logAndContinue;
    /** Each change runs alone: under log-and-continue (a savepoint per change) or when batches are off. */
    private final boolean direct;

    private Begin current;
    private boolean skipping;
    private Lsn walPosition = Lsn.INVALID;
    private int groupTransactions;
    private Lsn groupEndLsn;
    private Instant groupCommitTime;
    private long groupStartNanos;
    private boolean failed;

    private long transactions;
    private long skippedTransactions;
    private long inserts;
    private long updates;
    private long deletes;
    private long truncates;
    private long skippedChanges;
    private Lsn lastCommittedEndLsn;
    private Instant lastCommitTime;

    /** An applier for the {@link ErrorPolicy#STOP} policy. */
    public ChangeApplier(Connection target, Function<Relation, Optional<ApplyTarget>> routing, Checkpoint checkpoint,
                         ApplyOptions options) throws SQLException {
        this(target, routing, checkpoint, options, ApplyExceptionLog.none());
    }

    /** @param exceptions where skipped changes are recorded under {@link ErrorPolicy#LOG_AND_CONTINUE} */
    public ChangeApplier(Connection target, Function<Relation, Optional<ApplyTarget>> routing, Checkpoint checkpoint,
                         ApplyOptions options, ApplyExceptionLog exceptions) throws SQLException {
        this.conn = target;
        this.routing = routing;
        this.checkpoint = checkpoint;
        this.options = options;
        this.exceptions = exceptions;
        this.logAndContinue = options.errorPolicy() == ErrorPolicy.LOG_AND_CONTINUE;
        this.direct = logAndContinue || options.batchSize() == 1;
        this.pipeline = new StatementPipeline(options.batchSize(), PIPELINE_BYTES, new Results());
        DurableCommits.ensure(target); // what stats() reports as committed may be confirmed to the slot
        target.setAutoCommit(false);
        this.startCheckpoint = checkpoint.current();
        this.lastCommittedEndLsn = startCheckpoint;
    }

    /**
     * Applies one message received at {@code walPosition} (used in error messages only).
     *
     * @throws SQLException with the table, operation, source commit LSN and key in its message; the target
     *                      transaction has then been rolled back and this applier is closed for business
     */
    public void accept(Lsn walPosition, PgOutputMessage message) throws SQLException {
        if (failed) {
            throw new IllegalStateException("the applier failed earlier; restart from the checkpoint");
        }
        this.walPosition = walPosition;
        try {
            dispatch(message);
        } catch (SQLException | RuntimeException e) {
            abort(e);
            throw e;
        }
    }

    /** After {@code e}: rolls the target transaction back and closes this applier for business. */
    private void abort(Exception e) {
        failed = true;
        pipeline.discard();
        try {
            conn.rollback();
        } catch (SQLException rollback) {
            e.addSuppressed(rollback);
        }
    }

    private void dispatch(PgOutputMessage message) throws SQLException {
        if (message instanceof Begin begin) {
            begin(begin);
        } else if (message instanceof Commit commit) {
            commit(commit);
        } else if (message instanceof Relation relation) {
            relation(relation);
        } else if (message instanceof PgOutputMessage.Type type) {
            types.put(type);
        } else if (message instanceof Insert insert) {
            insert(insert);
        } else if (message instanceof Update update) {
            update(update);
        } else if (message instanceof Delete delete) {
            delete(delete);
        } else if (message instanceof Truncate truncate) {
            truncate(truncate);
        } else if (message instanceof PgOutputMessage.Origin || message instanceof PgOutputMessage.LogicalMessage) {
            return; // nothing to apply
        } else {
            throw new SQLException("message " + message.getClass().getSimpleName() + " at " + walPosition
                    + " is not supported: the stream must run without the 'streaming' option", "0A000");
        }
    }

    /** Commits an open group of source transactions now (when the stream is idle); nothing when none is open. */
    public void commitPending() throws SQLException {
        if (current == null && groupTransactions > 0) {
            try {
                commitGroup();
            } catch (SQLException | RuntimeException e) {
                abort(e);
            throw e;
            }
        }
    }

    public ApplyStats stats() {
        return new ApplyStats(transactions, skippedTransactions, inserts, updates, deletes, truncates,
                skippedChanges, lastCommittedEndLsn, Optional.ofNullable(lastCommitTime));
    }

    // ---------------------------------------------------------------- transactions

    private void begin(Begin begin) throws SQLException {
        if (current != null || skipping) {
            throw new SQLException("Begin of xid " + begin.xid() + " at " + walPosition + " inside the transaction"
                    + " that commits at " + (current != null ? current.finalLsn() : "(skipped)"), "08P01");
        }
        if (begin.finalLsn().isBefore(startCheckpoint)) {
            skipping = true; // applied before the restart (see the class comment)
            return;
        }
        current = begin;
        if (groupTransactions == 0) {
            groupStartNanos = options.groupClock().getAsLong();
        }
    }

    private void commit(Commit commit) throws SQLException {
        if (skipping) {
            skipping = false;
            skippedTransactions++;
            return;
        }
        if (current == null) {
            throw new SQLException("Commit at " + commit.endLsn() + " without a Begin", "08P01");
        }
        current = null;
        groupTransactions++;
        groupEndLsn = commit.endLsn();
        groupCommitTime = commit.commitTime();
        if (groupTransactions >= options.maxTransactionsPerCommit()
                || options.groupClock().getAsLong() - groupStartNanos >= options.maxGroupDuration().toNanos()) {
            commitGroup();
        }
    }

    private void commitGroup() throws SQLException {
        pipeline.flush();
        checkpoint.write(conn, groupEndLsn, groupCommitTime);
        conn.commit();
        transactions += groupTransactions;
        groupTransactions = 0;
        lastCommittedEndLsn = groupEndLsn;
        lastCommitTime = groupCommitTime;
    }

    private boolean applies(TableApplier table) {
        if (skipping) {
            return false;
        }
        Optional<Lsn> sync = table.target().syncLsn();
        return sync.isEmpty() || !current.finalLsn().isBefore(sync.get());
    }

    private TableApplier table(long relationId, String operation) throws SQLException {
        if (!skipping && current == null) {
            throw new SQLException(operation + " of relation id " + relationId + " at " + walPosition
                    + " outside a transaction", "08P01");
        }
        return tables.get(relationId);
    }

    // ---------------------------------------------------------------- relations and schema drift

    private void relation(Relation relation) throws SQLException {
        Optional<Relation> previous = relations.put(relation);
        TableApplier old = tables.remove(relation.relationId());
        if (old != null) {
            pipeline.flush();
            old.close();
        }
        Optional<ApplyTarget> routed = old != null ? Optional.of(old.target()) : routing.apply(relation);
        if (routed.isEmpty()) {
            return; // not replicated
        }
        ApplyTarget target = routed.get();
        List<String> changedType = new ArrayList<>();
        previous.ifPresent(p -> {
            for (RelationColumn was : p.columns()) {
                relation.columns().stream().filter(c -> c.name().equals(was.name())
                        && (c.typeOid() != was.typeOid() || c.typeModifier() != was.typeModifier()))
                        .forEach(c -> changedType.add(c.name()));
            }
        });
        if (!changedType.isEmpty()) {
            throw new SchemaDriftException(relation.qualifiedName(), changedType, "the type changed of columns");
        }
        ApplyTarget known = target;
        List<RelationColumn> unknown = relation.columns().stream()
                .filter(c -> known.column(c.name()).isEmpty() && !known.omittedColumns().contains(c.name()))
                .toList();
        for (RelationColumn column : unknown) {
            Optional<String> onTarget = targetColumnType(target, column.name());
            if (onTarget.isPresent()) {
                target = target.withColumn(column.name(), onTarget.get());
            } else if (options.allowAdditiveDdl()) {
                String type = resolveType(relation, column);
                pipeline.flush();
                try (Statement s = conn.createStatement()) {
                    s.execute("ALTER TABLE " + SqlText.qualified(target.targetSchema(), target.targetName())
                            + " ADD COLUMN IF NOT EXISTS " + SqlText.identifier(column.name()) + " " + type);
                }
                target = target.withColumn(column.name(), type);
            } else {
                throw new SchemaDriftException(relation.qualifiedName() + " (target " + target.qualifiedTarget() + ")",
                        unknown.stream().map(RelationColumn::name).toList(), "the target has no columns");
            }
        }
        tables.put(relation.relationId(), new TableApplier(conn, relation, target,
                options.conflicts().updateOnInsertConflict(), pipeline::flush));
    }

    private Optional<String> targetColumnType(ApplyTarget target, String column) throws SQLException {
        pipeline.flush();
        try (PreparedStatement ps = conn.prepareStatement("SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
                + " WHERE attrelid = ?::regclass AND attname = ? AND attnum > 0 AND NOT attisdropped")) {
            ps.setString(1, SqlText.qualified(target.targetSchema(), target.targetName()));
            ps.setString(2, column);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    private String resolveType(Relation relation, RelationColumn column) throws SQLException {
        Optional<String> resolved = options.typeResolver().targetType(column.typeOid(), column.typeModifier());
        if (resolved.isEmpty()) {
            resolved = types.get(column.typeOid()).map(t -> SqlText.qualified(t.namespace(), t.name()));
        }
        if (resolved.isEmpty() && column.typeOid() < 16384) { // built-in: the same OID on every server
            try (PreparedStatement ps = conn.prepareStatement("SELECT format_type(?::oid, ?)")) {
                ps.setLong(1, column.typeOid());
                ps.setInt(2, column.typeModifier());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    resolved = Optional.ofNullable(rs.getString(1));
                }
            }
        }
        return resolved.orElseThrow(() -> new SchemaDriftException(relation.qualifiedName(),
                List.of(column.name()), "no target type known for type OID " + column.typeOid() + " of columns"));
    }

    // ---------------------------------------------------------------- changes

    private void insert(Insert insert) throws SQLException {
        TableApplier table = table(insert.relationId(), "INSERT");
        if (table == null || !applies(table)) {
            return;
        }
        TupleData row = checked(table, insert.newTuple());
        guarded(table, "INSERT", row, null, () -> {
            Change change = change(table, "INSERT", row, Expect.ANY);
            if (direct) {
                executeNow(change, () -> table.insert(row));
            } else {
                pipeline.add(change, table.insertShape(), row, null);
            }
        });
    }

    private void update(Update update) throws SQLException {
        TableApplier table = table(update.relationId(), "UPDATE");
        if (table == null || !applies(table)) {
            return;
        }
        TupleData newRow = checked(table, update.newTuple());
        update.oldTuple().ifPresent(o -> checked(table, o.tuple()));
        TupleData keyRow = update.oldTuple().map(OldTuple::tuple).orElse(newRow);
        guarded(table, "UPDATE", newRow, update.oldTuple().map(OldTuple::tuple).orElse(null), () -> {
            if (!options.conflicts().insertOnUpdateMissing()) {
                Change change = change(table, "UPDATE", keyRow, Expect.ONE_ROW);
                if (direct) {
                    executeNow(change, () -> table.update(update.oldTuple(), newRow));
                } else {
                    pipeline.add(change, table.updateShape(update.oldTuple(), newRow), newRow,
                            update.oldTuple().map(OldTuple::tuple).orElse(null));
                }
                return;
            }
            // the INSERT for a missing row must follow its UPDATE at once: under this policy UPDATEs run alone
            int count = executeNow(change(table, "UPDATE", keyRow, Expect.ANY),
                    () -> table.update(update.oldTuple(), newRow));
            if (count == 0) {
                TupleData complete = fillFromOld(table, newRow, update.oldTuple());
                executeNow(change(table, "INSERT (for a missing row of an UPDATE)", complete, Expect.ANY),
                        () -> table.insert(complete));
            }
        });
    }

    /** The new row with unchanged-TOAST values taken from the old row (REPLICA IDENTITY FULL sends them there). */
    private TupleData fillFromOld(TableApplier table, TupleData newRow, Optional<OldTuple> old) throws SQLException {
        List<ColumnValue> values = new ArrayList<>(newRow.values());
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i) instanceof ColumnValue.UnchangedToast) {
                int index = i;
                ColumnValue fill = old.filter(o -> o.kind() == OldTuple.Kind.OLD_ROW).map(o -> o.tuple().get(index))
                        .orElse(ColumnValue.UnchangedToast.INSTANCE);
                if (fill instanceof ColumnValue.UnchangedToast) {
                    throw conflict(change(table, "UPDATE", newRow, Expect.ANY), "UPDATE found no row, and it cannot"
                            + " be inserted: column " + table.relation().columns().get(i).name() + " was not sent"
                            + " (unchanged TOAST)", "P0002", null);
                }
                values.set(i, fill);
            }
        }
        return new TupleData(values);
    }

    private void delete(Delete delete) throws SQLException {
        TableApplier table = table(delete.relationId(), "DELETE");
        if (table == null || !applies(table)) {
            return;
        }
        TupleData keyRow = checked(table, delete.oldTuple().tuple());
        guarded(table, "DELETE", null, keyRow, () -> {
            Change change = change(table, "DELETE", keyRow,
                    options.conflicts().ignoreMissingDelete() ? Expect.ANY : Expect.ONE_ROW);
            if (direct) {
                executeNow(change, () -> table.delete(delete.oldTuple()));
            } else {
                pipeline.add(change, table.deleteShape(delete.oldTuple()), null, keyRow);
            }
        });
    }

    private void truncate(Truncate truncate) throws SQLException {
        if (skipping) {
            return;
        }
        if (current == null) {
            throw new SQLException("TRUNCATE at " + walPosition + " outside a transaction", "08P01");
        }
        List<String> names = new ArrayList<>();
        TableApplier first = null;
        for (long id : truncate.relationIds()) {
            TableApplier table = tables.get(id);
            if (table != null && applies(table)) {
                // ONLY: an inheritance parent's children arrive in the same message when they were truncated too;
                // a partitioned target cannot be truncated ONLY and holds only the routed rows anyway
                names.add((table.catalog().isPartitioned() ? "" : "ONLY ") + table.quotedTable());
                first = first == null ? table : first;
            }
        }
        if (names.isEmpty()) {
            return;
        }
        pipeline.flush();
        String sql = "TRUNCATE " + String.join(", ", names) + (truncate.restartIdentity() ? " RESTART IDENTITY" : "")
                + (truncate.cascade() ? " CASCADE" : "");
        guarded(first, "TRUNCATE", null, null, () -> {
            try (Statement s = conn.createStatement()) {
                s.execute(sql);
            } catch (SQLException e) {
                throw new SQLException(sql + " failed in the source transaction committing at "
                        + current.finalLsn() + ": " + e.getMessage(), e.getSQLState(), e);
            }
            truncates++;
        });
    }

    private TupleData checked(TableApplier table, TupleData row) {
        if (row.size() != table.relation().columns().size()) {
            throw new IllegalStateException("tuple has " + row.size() + " columns but relation "
                    + table.relation().qualifiedName() + " has " + table.relation().columns().size() + " (at "
                    + walPosition + ")");
        }
        return row;
    }

    private Change change(TableApplier table, String operation, TupleData keyRow, Expect expect) {
        return new Change(table, operation, keyRow, current.finalLsn(), walPosition, expect);
    }

    /** A statement bound to one change. */
    @FunctionalInterface
    private interface BoundStatement {
        PreparedStatement bind() throws SQLException;
    }

    /**
     * Runs one change alone, after everything pending (sent before the statement is bound: the pipeline binds the
     * same statements when it sends them); checks and counts it like a pipelined one.
     */
    private int executeNow(Change change, BoundStatement statement) throws SQLException {
        pipeline.flush();
        PreparedStatement ps = statement.bind();
        int count;
        try {
            count = ps.executeUpdate();
        } catch (SQLException e) {
            throw failure(change, e);
        }
        if (count == 0 && change.expect() == Expect.ONE_ROW) {
            throw missing(change);
        }
        applied(change, count);
        return count;
    }

    // ---------------------------------------------------------------- the error policy

    /** A change's work, which may fail with the target's error. */
    @FunctionalInterface
    private interface ChangeWork {
        void run() throws SQLException;
    }

    /**
     * Runs {@code work}: as it is under the stop policy; under log-and-continue inside a savepoint, so that a change
     * the target refuses is undone alone, recorded in the exception log within the same target transaction, and
     * skipped. Lost connections and server shutdowns are not the change's fault and still stop the applier (to be
     * retried from the checkpoint).
     */
    private void guarded(TableApplier table, String operation, TupleData newRow, TupleData oldRow, ChangeWork work)
            throws SQLException {
        if (!logAndContinue) {
            work.run();
            return;
        }
        java.sql.Savepoint savepoint = conn.setSavepoint();
        try {
            work.run();
            conn.releaseSavepoint(savepoint);
        } catch (SQLException e) {
            if (SqlStates.isTransient(e) || e instanceof SchemaDriftException) {
                throw e;
            }
            conn.rollback(savepoint);
            ApplyException skipped = new ApplyException(current.finalLsn(),
                    table.target().qualifiedTarget() + " " + table.describeKey(oldRow != null ? oldRow : newRow),
                    operation, e.getSQLState(), e.getMessage(), ChangeJson.of(table.relation(), newRow, oldRow));
            exceptions.record(conn, skipped);
            skippedChanges++;
            log.warn("cdc: skipped a change (errorPolicy log-and-continue, recorded in apply_exception): {}",
                    e.getMessage());
        }
    }

    // ---------------------------------------------------------------- errors

    private SQLException failure(Change change, SQLException e) {
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

    private ApplyConflictException missing(Change change) {
        return conflict(change, change.operation() + " found no row", "P0002", null);
    }

    private ApplyConflictException conflict(Change change, String what, String sqlState, Throwable cause) {
        TableApplier table = change.table();
        return new ApplyConflictException(what + " on " + table.target().qualifiedTarget() + " (source "
                + table.relation().qualifiedName() + "), key " + table.describeKey(change.keyRow())
                + ", source transaction committing at " + change.commitLsn() + " (message at "
                + change.walPosition() + ")" + (cause == null ? "" : ": " + cause.getMessage()), sqlState, cause);
    }

    private void applied(Change change, int rows) {
        switch (change.operation()) {
            case "UPDATE" -> updates += Math.max(rows, 0);
            case "DELETE" -> deletes += Math.max(rows, 0);
            default -> inserts++;
        }
    }

    /** The pipeline's view of this applier's error messages and counters. */
    private final class Results implements StatementPipeline.Outcome {
        @Override
        public SQLException failed(Change change, SQLException cause) {
            return failure(change, cause);
        }

        @Override
        public SQLException missing(Change change) {
            return ChangeApplier.this.missing(change);
        }

        @Override
        public void applied(Change change, int rows) {
            ChangeApplier.this.applied(change, rows);
        }
    }
}
