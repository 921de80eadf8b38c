package dev.godwit.orchestrator.load;

import dev.godwit.orchestrator.plan.Sizes;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/** Counters of a full load, shared by the copy workers, and the one-line summary a person reads. */
final class LoadProgress {
    private final long totalUnits;
    private final long estimatedBytes;
    private final long started = System.nanoTime();
    private final AtomicLong unitsDone = new AtomicLong();
    private final AtomicLong rows = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong tablesReady = new AtomicLong();
    private final long totalTables;

    LoadProgress(long totalUnits, long estimatedBytes, long totalTables, long unitsAlreadyDone) {
        this.totalUnits = totalUnits;
        this.estimatedBytes = Math.max(1, estimatedBytes);
        this.totalTables = totalTables;
        this.unitsDone.set(unitsAlreadyDone);
    }

    void bytes(long n) {
        bytes.addAndGet(n);
    }

    void unitDone(long unitRows) {
        unitsDone.incrementAndGet();
        rows.addAndGet(unitRows);
    }

    /** Units committed before their table was emptied to be copied again: they count again when copied again. */
    void unitsCopiedAgain(long units, long unitRows) {
        unitsDone.addAndGet(-units);
        rows.addAndGet(-unitRows);
    }

    void tableReady() {
        tablesReady.incrementAndGet();
    }

    long bytesCopied() {
        return bytes.get();
    }

    long estimatedBytes() {
        return estimatedBytes;
    }

    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - started);
    }

    /** {@code 12/40 units, 3/9 tables}: the short form next to a progress bar. */
    String unitsLine() {
        return unitsDone.get() + "/" + totalUnits + " units, " + tablesReady.get() + "/" + totalTables + " tables";
    }

    /** {@code units 12/40, tables 3/9 ready, 1.2 GB (~35%), 1,234,567 rows, 85 MB/s, ETA 0:00:26}. */
    String line() {
        double seconds = Math.max(0.001, elapsed().toNanos() / 1e9);
        long copied = bytes.get();
        double rate = copied / seconds;
        // COPY text is larger than the heap pages it came from, so the share is an estimate and capped below 100 %
        double share = Math.min(0.99, (double) copied / estimatedBytes);
        String eta = rate <= 0 || unitsDone.get() == totalUnits ? "-" : format(Duration.ofSeconds(
                (long) Math.max(0, (estimatedBytes - copied) / rate)));
        return String.format(Locale.ROOT, "units %d/%d, tables %d/%d ready, %s copied (~%d%%), %,d rows, %s/s, ETA %s",
                unitsDone.get(), totalUnits, tablesReady.get(), totalTables, Sizes.human(copied),
                unitsDone.get() == totalUnits ? 100 : (int) (share * 100), rows.get(), Sizes.human((long) rate), eta);
    }

    static String format(Duration d) {
        long s = d.toSeconds();
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }
}
