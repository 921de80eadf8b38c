package dev.godwit.workers.cdc.apply;

/** One {@code ?} of a statement: a value of the new or the old row image, by relation column index. */
record Bind(boolean old, int index) {
}
