package dev.godwit.workers.cdc.apply;

import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Begin;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Commit;
import dev.godwit.workers.pg.Lsn;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/**
 * The source transactions that share one target transaction, and the checkpoint written with them: each source
 * transaction's changes go into the open target transaction, which also records the checkpoint (the commit end LSN),
 * so a crash anywhere leaves either both or neither.
 *
 * <p>Resume: a transaction whose {@code Begin.finalLsn} (the start of its commit record) is below the checkpoint read
 * at start is skipped whole. That is the same as "end LSN ≤ checkpoint": commit records do not overlap, so for the
 * checkpointed transaction C, finalLsn(C) &lt; end(C) = checkpoint; any transaction T that committed earlier has
 * end(T) ≤ finalLsn(C) &lt; checkpoint; any later one starts its commit record at or after end(C), so
 * finalLsn(T) ≥ checkpoint. Per-change LSNs are never used for this. A transaction that parallel apply recorded as
 * committed above the checkpoint ({@link Checkpoint#appliedAbove()}) is skipped too.
 *
 * <p>With {@code maxTransactionsPerCommit > 1}, up to that many source transactions share one target transaction, and
 * the checkpoint written is the end LSN of the last of them: all of them commit, or none, so resuming from that
 * checkpoint still neither loses nor repeats anything. A group is also committed at the first source commit after it
 * has been open {@code maxGroupDuration}, and by {@link #commitPending()} when the stream is idle.
 *
 * <p>Each commit of a group is told to {@link ApplyOptions#observer()}: its size, the changes it held (what
 * {@link ChangeResults} counted since the previous commit) and the time the checkpoint and COMMIT took.
 */
final class TransactionGroup {

    private final Connection conn;
    private final Checkpoint checkpoint;
    private final ApplyOptions options;
    private final StatementPipeline pipeline;
    private final ChangeResults results;
    private final AppliedAtStart atStart;
    /** Source transactions committed above the checkpoint by parallel apply (see {@link ParallelCheckpoint}). */

    private Begin current;
    private boolean skipping;
    private int groupTransactions;
    private Lsn groupEndLsn;
    private Instant groupCommitTime;
    private long groupStartNanos;

    private long transactions;
    private long skippedTransactions;
    private Lsn lastCommittedEndLsn;
    private Instant lastCommitTime;
    /** What {@link #results} had counted at the last commit told to the observer. */
    private ChangeResults.Rows observedRows = ChangeResults.Rows.NONE;

    /**
     * Reads the checkpoint to resume from; {@code pipeline} is sent before each commit, and {@code results} counts the
     * changes that the observer is told each commit held.
     */
    TransactionGroup(Connection conn, Checkpoint checkpoint, ApplyOptions options, StatementPipeline pipeline,
                     ChangeResults results) throws SQLException {
        this.conn = conn;
        this.checkpoint = checkpoint;
        this.options = options;
        this.pipeline = pipeline;
        this.results = results;
        this.atStart = AppliedAtStart.read(checkpoint);
        this.lastCommittedEndLsn = atStart.checkpoint();
    }

    /** @param walPosition where the Begin message was received (for error messages) */
    void begin(Begin begin, Lsn walPosition) throws SQLException {
        if (current != null || skipping) {
            throw new SQLException("Begin of xid " + begin.xid() + " at " + walPosition + " inside the transaction"
                    + " that commits at " + (current != null ? current.finalLsn() : "(skipped)"), "08P01");
        }
        if (atStart.holds(begin)) {
            skipping = true; // applied before the restart (see the class comment)
            return;
        }
        current = begin;
        if (groupTransactions == 0) {
            groupStartNanos = options.groupClock().getAsLong();
        }
    }

    void commit(Commit commit) throws SQLException {
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

    /** Commits the group now, between source transactions; nothing when none is waiting. */
    void commitPending() throws SQLException {
        if (current == null && groupTransactions > 0) {
            commitGroup();
        }
    }

    private void commitGroup() throws SQLException {
        pipeline.flush();
        long commitStart = options.groupClock().getAsLong();
        checkpoint.write(conn, groupEndLsn, groupCommitTime);
        checkpoint.commit(conn);
        long commitNanos = options.groupClock().getAsLong() - commitStart;
        transactions += groupTransactions;
        lastCommittedEndLsn = groupEndLsn;
        lastCommitTime = groupCommitTime;
        observe(groupTransactions, commitNanos);
        groupTransactions = 0;
    }

    /** Tells the observer of a commit: the changes are what {@link #results} counted since the one before. */
    private void observe(int groupSize, long commitNanos) {
        ChangeResults.Rows rows = results.rows();
        options.observer().committed(new ApplyObserver.GroupCommit(groupSize, rows.inserts() - observedRows.inserts(),
                rows.updates() - observedRows.updates(), rows.deletes() - observedRows.deletes(),
                rows.truncates() - observedRows.truncates(), commitNanos));
        observedRows = rows;
    }

    /**
     * Commits what the target transaction holds outside any source transaction (what a Relation message of a skipped
     * transaction changed on the target), when no group is open.
     */
    void settle() throws SQLException {
        if (current == null && !skipping && groupTransactions == 0) {
            pipeline.flush();
            conn.commit();
        }
    }

    /** Whether the open source transaction is one the checkpoint already covers. */
    boolean skipping() {
        return skipping;
    }

    /** Whether a source transaction is open, applied or skipped. */
    boolean inTransaction() {
        return skipping || current != null;
    }

    /** The final LSN of the source transaction being applied. */
    Lsn commitLsn() {
        return current.finalLsn();
    }

    /**
     * Whether a change of a table copied under a snapshot at {@code syncLsn} applies in the open transaction: not when
     * the transaction is skipped, nor when the copy already holds it.
     */
    boolean applies(Optional<Lsn> syncLsn) {
        if (skipping) {
            return false;
        }
        return syncLsn.isEmpty() || !current.finalLsn().isBefore(syncLsn.get());
    }

    /** The end LSN of the last source transaction committed on the target (the start checkpoint before any). */
    Lsn lastCommittedEndLsn() {
        return lastCommittedEndLsn;
    }

    /** How far the applier got so far (see {@link ApplyStats}). */
    record Progress(long transactions, long skippedTransactions, Lsn lastCommittedEndLsn,
                    Optional<Instant> lastCommitTime) {
    }

    Progress progress() {
        return new Progress(transactions, skippedTransactions, lastCommittedEndLsn,
                Optional.ofNullable(lastCommitTime));
    }
}
