package dev.godwit.workers.schema;

/**
 * The smallest and largest value of a range-repartitioned table's partition column on the source, as text
 * ({@code 2024-01-05}, {@code 2024-01-05 10:00:00}, {@code 17}); the caller reads them before the schema is written.
 */
public record RangeBounds(String min, String max) {
}
