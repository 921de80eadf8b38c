package dev.godwit.orchestrator.metrics;

import dev.godwit.orchestrator.cdc.CdcObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The CDC meters only the running process can know, moved by the applier at each target commit and by the phase at
 * each reconnect (every name documented in docs/monitoring.md). Micrometer's meters are thread-safe, so the apply lanes
 * of parallel apply share them. The histograms have fixed buckets: a few series each, and quantiles over any window
 * with {@code histogram_quantile}.
 */
final class CdcMeters implements CdcObserver {
    /** Up to the applier's 1000 source transactions per commit ({@code ApplyOptions.DEFAULT_TRANSACTIONS_PER_COMMIT}). */
    private static final double[] GROUP_BUCKETS = {1, 2, 5, 10, 25, 50, 100, 250, 500, 1000};
    private static final Duration[] COMMIT_BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
            Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
            Duration.ofSeconds(5), Duration.ofSeconds(10)};

    private final Counter transactions;
    private final Counter inserts;
    private final Counter updates;
    private final Counter deletes;
    private final Counter truncates;
    private final DistributionSummary groupSize;
    private final Timer commitTime;
    private final Counter reconnects;

    CdcMeters(MeterRegistry registry) {
        transactions = Counter.builder("godwit.cdc.transactions.applied")
                .description("source transactions applied and committed on the target").register(registry);
        inserts = change(registry, "insert");
        updates = change(registry, "update");
        deletes = change(registry, "delete");
        truncates = change(registry, "truncate");
        groupSize = DistributionSummary.builder("godwit.cdc.group.commit.transactions")
                .description("source transactions per target commit (group commit)")
                .serviceLevelObjectives(GROUP_BUCKETS).register(registry);
        commitTime = Timer.builder("godwit.cdc.commit")
                .description("time to write the checkpoint and COMMIT a group on the target")
                .serviceLevelObjectives(COMMIT_BUCKETS).register(registry);
        reconnects = Counter.builder("godwit.cdc.reconnects")
                .description("transient failures after which CDC reconnected from the checkpoint").register(registry);
    }

    private static Counter change(MeterRegistry registry, String operation) {
        return Counter.builder("godwit.cdc.changes.applied").tag("operation", operation)
                .description("row changes applied and committed on the target, by operation (truncate: TRUNCATE"
                        + " statements; insert includes updates the conflict policy turned into inserts)")
                .register(registry);
    }

    @Override
    public void committed(GroupCommit commit) {
        transactions.increment(commit.transactions());
        inserts.increment(commit.inserts());
        updates.increment(commit.updates());
        deletes.increment(commit.deletes());
        truncates.increment(commit.truncates());
        groupSize.record(commit.transactions());
        commitTime.record(commit.commitNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void reconnecting() {
        reconnects.increment();
    }
}
