package dev.godwit.orchestrator.cdc;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a background writer of source transactions has done, as its test sees it: the transactions it committed, and
 * the failure that stopped it (reported to the test at its next wait, never lost).
 */
final class WriterTally {
    private final String writer;
    private final AtomicLong committed = new AtomicLong();
    private volatile Throwable failure;

    /** @param writer how failures name the writer, e.g. "the source writer" */
    WriterTally(String writer) {
        this.writer = writer;
    }

    void committed() {
        committed.incrementAndGet();
    }

    void failed(Throwable e) {
        failure = e;
    }

    long transactions() {
        return committed.get();
    }

    Throwable failure() {
        return failure;
    }

    void throwIfFailed() {
        if (failure != null) {
            throw new AssertionError(writer + " failed", failure);
        }
    }

    /** Waits until at least {@code n} transactions are committed; fails at once if the writer failed. */
    void await(long n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (committed.get() < n) {
            throwIfFailed();
            if (System.nanoTime() > deadline) {
                throw new AssertionError(writer + " committed only " + committed.get() + " transactions in " + timeout);
            }
            Thread.sleep(20);
        }
    }
}
