package dev.godwit.workers.cdc.stream;

import dev.godwit.workers.cdc.pgoutput.PgOutputMessage;
import dev.godwit.workers.pg.Lsn;
import java.util.HashSet;
import java.util.Set;

/**
 * Decides which position the reader reports to the walsender as flushed: what the consumer confirmed, and nothing
 * beyond it, except when the stream is idle.
 *
 * <p><b>The idle rule.</b> When, at the moment the reader has drained the socket,
 * <ol>
 *   <li>no transaction is open in the stream (every Begin received has had its Commit; every streamed transaction
 *       of protocol version 2 has had its Stream Commit or Stream Abort),</li>
 *   <li>every commit received so far has been confirmed (confirmed ≥ the latest commit end LSN received), and</li>
 *   <li>the queue to the consumer is empty,</li>
 * </ol>
 * then the server's latest WAL position (from its last keepalive, or the last message's position if that is later)
 * may be reported as flushed. The walsender sends in WAL order and a keepalive carries the position up to which it has
 * decoded and sent everything, so every transaction committing below it has already been received, applied and
 * confirmed; transactions still in progress commit above it and are sent in full later. This is what PostgreSQL's own
 * apply worker does ({@code send_feedback} with no pending transactions). Without it an idle source, or one whose
 * changes are all filtered out or happen in other databases, retains WAL forever.
 *
 * <p>Thread-safe: the reader calls {@link #onMessage} and {@link #onDrained}, the consumer {@link #confirm}.
 */
final class StreamFeedback {
    private final Lsn startPosition;
    private final boolean acknowledgeIdle;
    private Lsn confirmed = Lsn.INVALID;
    private Lsn idleFlush = Lsn.INVALID;
    private Lsn idleCandidate = Lsn.INVALID;
    private Lsn lastCommitEnd = Lsn.INVALID;
    private boolean inTransaction;
    private final Set<Long> openStreamedTransactions = new HashSet<>();

    StreamFeedback(Lsn startPosition) {
        this(startPosition, false);
    }

    /** @param acknowledgeIdle idle positions move the flush position only once the consumer acknowledged them */
    StreamFeedback(Lsn startPosition, boolean acknowledgeIdle) {
        this.startPosition = startPosition;
        this.acknowledgeIdle = acknowledgeIdle;
    }

    /** The reader received {@code message}; called before it is handed to the consumer. */
    synchronized void onMessage(PgOutputMessage message) {
        if (message instanceof PgOutputMessage.Begin) {
            inTransaction = true;
        } else if (message instanceof PgOutputMessage.Commit commit) {
            inTransaction = false;
            lastCommitEnd = Lsn.max(lastCommitEnd, commit.endLsn());
        } else if (message instanceof PgOutputMessage.StreamStart start) {
            openStreamedTransactions.add(start.xid());
        } else if (message instanceof PgOutputMessage.StreamCommit commit) {
            openStreamedTransactions.remove(commit.xid());
            lastCommitEnd = Lsn.max(lastCommitEnd, commit.endLsn());
        } else if (message instanceof PgOutputMessage.StreamAbort abort && abort.abortsWholeTransaction()) {
            openStreamedTransactions.remove(abort.xid());
        }
    }

    /**
     * The consumer committed, on the target, everything up to the commit ending at {@code commitEnd}.
     *
     * @throws IllegalArgumentException if no commit received so far ends at or after it, and it is beyond the start
     *                                  position: it cannot be a commit end LSN of this stream
     */
    synchronized void confirm(Lsn commitEnd) {
        if (commitEnd.isAfter(lastCommitEnd) && commitEnd.isAfter(startPosition)) {
            throw new IllegalArgumentException("cannot confirm " + commitEnd + ": the latest commit received ends at "
                    + lastCommitEnd + " and the stream started at " + startPosition
                    + "; confirm only commit end LSNs of transactions applied on the target");
        }
        confirmed = Lsn.max(confirmed, commitEnd);
    }

    /**
     * The reader drained the socket; {@code serverWalEnd} is the latest position the server reported.
     *
     * @return whether the idle rule held, so the flush position may have moved up to {@code serverWalEnd}
     */
    synchronized boolean onDrained(Lsn serverWalEnd, boolean queueEmpty) {
        if (!isIdle(queueEmpty)) {
            return false;
        }
        if (acknowledgeIdle) {
            idleCandidate = Lsn.max(idleCandidate, serverWalEnd);
        } else {
            idleFlush = Lsn.max(idleFlush, serverWalEnd);
        }
        return true;
    }

    /**
     * A position the consumer may record and then {@linkplain #acknowledgeIdle acknowledge}: reached by the idle
     * rule, beyond what is flushed, and still idle now.
     */
    synchronized java.util.Optional<Lsn> idleCandidate(boolean queueEmpty) {
        return isIdle(queueEmpty) && idleCandidate.isAfter(flushPosition())
                ? java.util.Optional.of(idleCandidate) : java.util.Optional.empty();
    }

    /** The consumer recorded {@code position} (from {@link #idleCandidate}); it may now be reported as flushed. */
    synchronized void acknowledgeIdle(Lsn position) {
        if (position.isAfter(idleCandidate)) {
            throw new IllegalArgumentException("cannot acknowledge " + position + ": the idle position reached is "
                    + idleCandidate);
        }
        idleFlush = Lsn.max(idleFlush, position);
    }

    synchronized boolean isIdle(boolean queueEmpty) {
        return queueEmpty && !inTransaction && openStreamedTransactions.isEmpty()
                && confirmed.compareTo(lastCommitEnd) >= 0;
    }

    /** What to report as flushed and applied: never beyond the consumer's confirmation, except by the idle rule. */
    synchronized Lsn flushPosition() {
        return Lsn.max(confirmed, idleFlush);
    }

    synchronized Lsn confirmed() {
        return confirmed;
    }

    synchronized Lsn lastCommitEnd() {
        return lastCommitEnd;
    }
}
