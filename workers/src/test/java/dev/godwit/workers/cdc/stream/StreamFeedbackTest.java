package dev.godwit.workers.cdc.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Begin;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Commit;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.StreamAbort;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.StreamCommit;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.StreamStart;
import dev.godwit.workers.pg.Lsn;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StreamFeedbackTest {
    private static final Lsn START = Lsn.parse("0/1000");

    private final StreamFeedback feedback = new StreamFeedback(START);

    @Test
    void reportsNothingBeforeTheFirstConfirmationWhileATransactionIsOpen() {
        feedback.onMessage(begin("0/2000"));
        assertFalse(feedback.onDrained(lsn("0/9000"), true));
        assertEquals(Lsn.INVALID, feedback.flushPosition());
    }

    @Test
    void reportsExactlyWhatWasConfirmedWhileALaterCommitIsPending() {
        committed("0/2000", "0/2100");
        committed("0/3000", "0/3100");
        feedback.confirm(lsn("0/2100"));
        assertFalse(feedback.onDrained(lsn("0/9000"), true), "the commit ending at 0/3100 is not confirmed");
        assertEquals(lsn("0/2100"), feedback.flushPosition());
    }

    @Test
    void reportsTheServerWalEndWhenEverythingReceivedIsConfirmedAndNothingIsQueued() {
        committed("0/2000", "0/2100");
        feedback.confirm(lsn("0/2100"));
        assertTrue(feedback.onDrained(lsn("0/9000"), true));
        assertEquals(lsn("0/9000"), feedback.flushPosition());
    }

    @Test
    void anIdleStreamWithNoTransactionsAtAllFollowsTheServer() {
        assertTrue(feedback.onDrained(lsn("0/5000"), true));
        assertEquals(lsn("0/5000"), feedback.flushPosition());
    }

    @Test
    void aNonEmptyQueueIsNotIdle() {
        committed("0/2000", "0/2100");
        feedback.confirm(lsn("0/2100"));
        assertFalse(feedback.onDrained(lsn("0/9000"), false));
        assertEquals(lsn("0/2100"), feedback.flushPosition());
    }

    @Test
    void anOpenStreamedTransactionIsNotIdleUntilItCommitsOrAborts() {
        feedback.onMessage(new StreamStart(77, true));
        assertFalse(feedback.onDrained(lsn("0/9000"), true));
        feedback.onMessage(new StreamAbort(77, 78));
        assertFalse(feedback.onDrained(lsn("0/9000"), true), "only a subtransaction aborted");
        feedback.onMessage(new StreamCommit(77, 0, lsn("0/8000"), lsn("0/8100"), Instant.EPOCH));
        assertFalse(feedback.onDrained(lsn("0/9000"), true), "committed but not confirmed");
        feedback.confirm(lsn("0/8100"));
        assertTrue(feedback.onDrained(lsn("0/9000"), true));
    }

    @Test
    void theFlushPositionNeverMovesBackwards() {
        committed("0/2000", "0/2100");
        feedback.confirm(lsn("0/2100"));
        feedback.onDrained(lsn("0/9000"), true);
        feedback.confirm(lsn("0/2100"));
        feedback.onDrained(lsn("0/8000"), true);
        assertEquals(lsn("0/9000"), feedback.flushPosition());
    }

    @Test
    void refusesToConfirmAPositionNoCommitOfTheStreamCanHave() {
        committed("0/2000", "0/2100");
        assertThrows(IllegalArgumentException.class, () -> feedback.confirm(lsn("0/2200")));
        feedback.confirm(START);
        assertEquals(START, feedback.confirmed());
    }

    private void committed(String commit, String end) {
        feedback.onMessage(begin(commit));
        feedback.onMessage(new Commit(0, lsn(commit), lsn(end), Instant.EPOCH));
    }

    private static Begin begin(String finalLsn) {
        return new Begin(lsn(finalLsn), Instant.EPOCH, 1);
    }

    private static Lsn lsn(String text) {
        return Lsn.parse(text);
    }
}
