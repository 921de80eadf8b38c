package dev.godwit.orchestrator.load;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Shows a full load's progress: a progress bar (bytes, rate, ETA) on an interactive terminal, plain log lines every
 * few seconds otherwise (a log file, a CI job, a pipe).
 */
final class ProgressDisplay implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProgressDisplay.class);
    private static final Duration LOG_EVERY = Duration.ofSeconds(5);

    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "progress");
        t.setDaemon(true);
        return t;
    });
    private final ProgressBar bar;

    ProgressDisplay(LoadProgress progress) {
        if (System.console() != null) {
            bar = new ProgressBarBuilder().setTaskName("full load").setInitialMax(progress.estimatedBytes())
                    .setUnit(" MB", 1 << 20).setStyle(ProgressBarStyle.ASCII).showSpeed()
                    .setUpdateIntervalMillis(500).continuousUpdate().build();
            ticker.scheduleAtFixedRate(() -> {
                bar.maxHint(Math.max(progress.estimatedBytes(), progress.bytesCopied()));
                bar.stepTo(progress.bytesCopied());
                bar.setExtraMessage(progress.unitsLine());
            }, 0, 500, TimeUnit.MILLISECONDS);
        } else {
            bar = null;
            ticker.scheduleAtFixedRate(() -> log.info("full load: {}", progress.line()),
                    LOG_EVERY.toMillis(), LOG_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        if (bar != null) {
            bar.close();
        }
    }
}
