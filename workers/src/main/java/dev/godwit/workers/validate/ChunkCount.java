package dev.godwit.workers.validate;

/**
 * What one side holds in one chunk.
 *
 * @param rows the row count; -1 when the table is missing on that side
 * @param hash the order-free content hash as text, or null (not asked for, no rows, or missing table)
 */
public record ChunkCount(long rows, String hash) {
    public static ChunkCount missing() {
        return new ChunkCount(-1, null);
    }

    public boolean isMissing() {
        return rows < 0;
    }
}
