package dev.godwit.orchestrator.metrics;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Reads the task every interval on a daemon thread and hands each reading to the gauges. Nothing in the run calls
 * it: the migration's own threads never wait for metrics. A failed reading keeps the last values (their timestamp
 * says how old they are) and counts the failure; it is logged once until a reading succeeds again.
 */
final class TaskMetrics implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TaskMetrics.class);

    private final TaskReader reader;
    private final TaskGauges gauges;
    private final ScheduledExecutorService poller;
    private boolean failing;

    TaskMetrics(TaskReader reader, TaskGauges gauges, Duration interval) {
        this.reader = reader;
        this.gauges = gauges;
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "metrics-poller");
            t.setDaemon(true);
            return t;
        });
        poller.scheduleWithFixedDelay(this::poll, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void poll() {
        try {
            gauges.update(reader.read());
            if (failing) {
                log.info("metrics: the task can be read again");
                failing = false;
            }
        } catch (Exception | LinkageError e) {
            gauges.pollFailed();
            if (!failing) {
                log.warn("metrics: cannot read the task's state, the values stay as last read: {}", e.getMessage());
                log.debug("metrics reading failed", e);
                failing = true;
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        poller.shutdownNow();
        poller.awaitTermination(10, TimeUnit.SECONDS);
    }
}
