package dev.godwit.orchestrator.cdc;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A daemon thread that runs one look at the source or target again and again, beside the applier, until closed: the
 * new-table and index followers and the slot governor each have one, so that what they read never pauses the apply.
 */
final class PeriodicLook implements AutoCloseable {
    private final ScheduledExecutorService thread;

    private PeriodicLook(String name) {
        thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** @param look must not throw: a look that fails is the caller's to log and to make again */
    static PeriodicLook start(String name, Duration first, Duration every, Runnable look) {
        PeriodicLook periodic = new PeriodicLook(name);
        periodic.thread.scheduleWithFixedDelay(look, first.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        return periodic;
    }

    /**
     * Interrupts a look under way and waits for it to end, at most {@code patience}.
     *
     * @return whether no look runs any more
     */
    boolean stop(Duration patience) {
        thread.shutdownNow();
        try {
            return thread.awaitTermination(patience.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(30));
    }
}
