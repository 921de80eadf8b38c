package dev.godwit.workers.validate;

import java.util.Objects;

/** One chunk compared: both sides' counts and hashes, and how long both reads took. */
public record ChunkResult(String tableKey, Chunk chunk, String range, ChunkCount source, ChunkCount target, long millis) {

    public boolean equal() {
        return !source.isMissing() && !target.isMissing() && source.rows() == target.rows()
                && Objects.equals(source.hash(), target.hash());
    }

    /** EQUAL, MISSING (the target table is gone), ROWS (counts differ) or CONTENT (same count, other rows). */
    public String state() {
        if (target.isMissing()) {
            return "MISSING";
        }
        if (equal()) {
            return "EQUAL";
        }
        return source.rows() != target.rows() ? "ROWS" : "CONTENT";
    }
}
