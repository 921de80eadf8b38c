package dev.godwit.mappings.task;

/**
 * Source-against-target validation.
 *
 * @param enabled         compare row counts per table and chunk
 * @param contentHash     also compare an order-free hash of row contents per chunk
 * @param threadCount     concurrent validation queries
 * @param partitionSize   rows per compared chunk
 * @param failureMaxCount mismatches after which validation stops reporting details
 */
public record ValidationSettings(boolean enabled, boolean contentHash, int threadCount, int partitionSize,
                                 long failureMaxCount) {

    public static ValidationSettings defaults() {
        return new ValidationSettings(true, false, 5, 10_000, 10_000);
    }
}
