package dev.godwit.workers.cdc.apply;

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
import dev.godwit.workers.cdc.pgoutput.TupleData;
import dev.godwit.workers.cdc.pgoutput.TypeCache;
import dev.godwit.mappings.task.ErrorPolicy;
import dev.godwit.workers.cdc.apply.StatementPipeline.Change;
import dev.godwit.workers.cdc.apply.StatementPipeline.Expect;
import dev.godwit.workers.pg.DurableCommits;
import dev.godwit.workers.pg.Lsn;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Replays decoded pgoutput messages on the target: each source transaction in one target transaction that also
 * records the checkpoint (its commit end LSN), so a crash anywhere leaves either both or neither. This class
 * dispatches the messages; its parts each do one job: {@link TransactionGroup} groups source transactions with the
 * checkpoint (and skips what it covers on resume), {@link SchemaDrift} follows Relation messages, {@link TableApplier}
 * holds each table's statements, {@link StatementPipeline} sends them, {@link ChangeResults} checks and counts what
 * they did, and {@link ErrorPolicyGuard} applies the error policy.
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
 * <p>With {@code maxTransactionsPerCommit > 1}, up to that many source transactions share one target transaction.
 * {@link #commitPending()} commits a partial group (call it when the stream is idle);
 * {@link ApplyStats#lastCommittedEndLsn()} is what may be confirmed to the source: the applier's session commits
 * durably ({@link DurableCommits}), whatever the target's {@code synchronous_commit}.
 *
 * <p>After any exception the target transaction is rolled back and the applier refuses further messages: start a new
 * one (from the checkpoint) on a fresh replication stream. Not thread-safe.
 */
public final class ChangeApplier implements Applier {

    /** Values waiting in the pipeline, at most (PgJDBC holds them until the batch is sent). */
    private static final long PIPELINE_BYTES = 8L << 20;

    private final Connection conn;
    private final Function<Relation, Optional<ApplyTarget>> routing;
    private final ApplyOptions options;
    private final RelationCache relations = new RelationCache();
    private final TypeCache types = new TypeCache();
    private final Map<Long, TableApplier> tables = new HashMap<>();
    private final ChangeResults results = new ChangeResults();
    private final StatementPipeline pipeline;
    private final ErrorPolicyGuard guard;
    private final SchemaDrift drift;
    private final TransactionGroup group;
    /** Each change runs alone: under log-and-continue (a savepoint per change) or when batches are off. */
    private final boolean direct;

    private Lsn walPosition = Lsn.INVALID;
    private boolean failed;

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
        this.options = options;
        this.guard = new ErrorPolicyGuard(target, options.errorPolicy(), exceptions);
        this.direct = options.errorPolicy() == ErrorPolicy.LOG_AND_CONTINUE || options.batchSize() == 1;
        this.pipeline = new StatementPipeline(options.batchSize(), PIPELINE_BYTES, results);
        this.drift = new SchemaDrift(target, options, types, pipeline);
        DurableCommits.ensure(target); // what stats() reports as committed may be confirmed to the slot
        target.setAutoCommit(false);
        this.group = new TransactionGroup(target, checkpoint, options, pipeline, results);
    }

    /**
     * Applies one message received at {@code walPosition} (used in error messages only).
     *
     * @throws SQLException with the table, operation, source commit LSN and key in its message; the target
     *                      transaction has then been rolled back and this applier is closed for business
     */
    @Override
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
            group.begin(begin, walPosition);
        } else if (message instanceof Commit commit) {
            group.commit(commit);
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
    @Override
    public void commitPending() throws SQLException {
        try {
            group.commitPending();
        } catch (SQLException | RuntimeException e) {
            abort(e);
            throw e;
        }
    }

    /** The same as {@link #commitPending()}: one connection commits in source order. */
    @Override
    public void drain() throws SQLException {
        commitPending();
    }

    /** Commits what a Relation message outside any open group changed on the target (a skipped transaction's). */
    void settle() throws SQLException {
        try {
            group.settle();
        } catch (SQLException | RuntimeException e) {
            abort(e);
            throw e;
        }
    }

    /** Nothing to release: the caller owns the connection (an open target transaction ends with it). */
    @Override
    public void close() {
    }

    /** How the changes of a routed relation are keyed, for parallel apply; empty when it is not routed. */
    Optional<KeyShape> keyShape(long relationId) throws SQLException {
        TableApplier table = tables.get(relationId);
        return table == null ? Optional.empty() : Optional.of(KeyShape.of(table));
    }

    /** The relation last received under {@code relationId}, with the target its changes go to (empty: not routed). */
    Optional<Routed> routed(long relationId) {
        return relations.get(relationId).map(r -> new Routed(r,
                Optional.ofNullable(tables.get(relationId)).map(TableApplier::target)));
    }

    /** A relation and where its changes go, as one applier settled it, for others to {@link #follow}. */
    record Routed(Relation relation, Optional<ApplyTarget> target) {
    }

    /** Takes a relation as another applier on the same target settled it, without looking at the target again. */
    void follow(Routed routed) throws SQLException {
        relations.put(routed.relation());
        retire(routed.relation().relationId());
        if (routed.target().isPresent()) {
            install(routed.relation(), routed.target().get());
        }
    }

    /** The relation ids received so far. */
    java.util.Set<Long> relationIds() {
        return relations.all().stream().map(Relation::relationId).collect(java.util.stream.Collectors.toSet());
    }

    @Override
    public Lsn lastCommittedEndLsn() {
        return group.lastCommittedEndLsn();
    }

    @Override
    public ApplyStats stats() {
        TransactionGroup.Progress progress = group.progress();
        ChangeResults.Rows rows = results.rows();
        return new ApplyStats(progress.transactions(), progress.skippedTransactions(), rows.inserts(), rows.updates(),
                rows.deletes(), rows.truncates(), guard.skippedChanges(), progress.lastCommittedEndLsn(),
                progress.lastCommitTime());
    }

    private boolean applies(TableApplier table) {
        return group.applies(table.target().syncLsn());
    }

    private TableApplier table(long relationId, String operation) throws SQLException {
        if (!group.inTransaction()) {
            throw new SQLException(operation + " of relation id " + relationId + " at " + walPosition
                    + " outside a transaction", "08P01");
        }
        return tables.get(relationId);
    }

    /** A new shape of a relation: its table's statements start anew, on its target as {@link SchemaDrift} finds it. */
    private void relation(Relation relation) throws SQLException {
        Optional<Relation> previous = relations.put(relation);
        TableApplier old = retire(relation.relationId());
        Optional<ApplyTarget> routed = old != null ? Optional.of(old.target()) : routing.apply(relation);
        if (routed.isPresent()) {
            route(relation, previous, routed.get());
        }
    }

    private void route(Relation relation, Optional<Relation> previous, ApplyTarget routed) throws SQLException {
        install(relation, drift.reconcile(relation, previous, routed));
    }

    /** Ends the statements of a relation's previous shape (what they queued is sent first); null when it had none. */
    private TableApplier retire(long relationId) throws SQLException {
        TableApplier old = tables.remove(relationId);
        if (old != null) {
            pipeline.flush();
            old.close();
        }
        return old;
    }

    private void install(Relation relation, ApplyTarget target) {
        tables.put(relation.relationId(), new TableApplier(conn, relation, target,
                options.conflicts().updateOnInsertConflict(), pipeline::flush));
    }

    /**
     * Asks the routing again for the relations it did not route when their Relation message came: a table that
     * joined the task since (the source sends a relation's shape once per stream, so it is not sent again).
     */
    @Override
    public void routeAgain() throws SQLException {
        for (Relation relation : relations.all()) {
            if (!tables.containsKey(relation.relationId())) {
                Optional<ApplyTarget> routed = routing.apply(relation);
                if (routed.isPresent()) {
                    route(relation, Optional.empty(), routed.get());
                }
            }
        }
    }

    // ---------------------------------------------------------------- changes

    private void insert(Insert insert) throws SQLException {
        TableApplier table = table(insert.relationId(), "INSERT");
        if (table == null || !applies(table)) {
            return;
        }
        TupleData row = checked(table, insert.newTuple());
        guard.run(table, "INSERT", group.commitLsn(), row, null, () -> {
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
        TupleData oldRow = update.oldTuple().map(OldTuple::tuple).orElse(null);
        TupleData keyRow = update.oldTuple().map(OldTuple::tuple).orElse(newRow);
        guard.run(table, "UPDATE", group.commitLsn(), newRow, oldRow, () -> {
            if (!options.conflicts().insertOnUpdateMissing()) {
                Change change = change(table, "UPDATE", keyRow, Expect.ONE_ROW);
                if (direct) {
                    executeNow(change, () -> table.update(update.oldTuple(), newRow));
                } else {
                    pipeline.add(change, table.updateShape(update.oldTuple(), newRow), newRow, oldRow);
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
                    throw results.conflict(change(table, "UPDATE", newRow, Expect.ANY), "UPDATE found no row,"
                            + " and it cannot be inserted: column " + table.relation().columns().get(i).name()
                            + " was not sent (unchanged TOAST)", "P0002", null);
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
        guard.run(table, "DELETE", group.commitLsn(), null, keyRow, () -> {
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
        if (group.skipping()) {
            return;
        }
        if (!group.inTransaction()) {
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
        guard.run(first, "TRUNCATE", group.commitLsn(), null, null, () -> {
            try (Statement s = conn.createStatement()) {
                s.execute(sql);
            } catch (SQLException e) {
                throw new SQLException(sql + " failed in the source transaction committing at "
                        + group.commitLsn() + ": " + e.getMessage(), e.getSQLState(), e);
            }
            results.truncated();
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
        return new Change(table, operation, keyRow, group.commitLsn(), walPosition, expect);
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
            throw results.failed(change, e);
        }
        if (count == 0 && change.expect() == Expect.ONE_ROW) {
            throw results.missing(change);
        }
        results.applied(change, count);
        return count;
    }
}
