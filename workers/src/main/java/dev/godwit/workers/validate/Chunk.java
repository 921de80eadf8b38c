package dev.godwit.workers.validate;

import dev.godwit.mappings.sql.SqlText;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One compared piece of a table: a range of its chunk key, or the whole table when it has no key. The bounds come
 * from the source; the same predicate selects the chunk on both sides, and the first and last ranges are open, so
 * every row of either side belongs to exactly one chunk.
 *
 * @param ordinal  1-based position in key order
 * @param lower    inclusive lower bound (key text), empty for the first range
 * @param upper    exclusive upper bound, empty for the last range
 * @param nullKeys the rows whose key is NULL (only for a nullable unique key)
 */
public record Chunk(int ordinal, Optional<String> lower, Optional<String> upper, boolean nullKeys) {

    public static Chunk whole() {
        return new Chunk(1, Optional.empty(), Optional.empty(), false);
    }

    /**
     * The chunks that the given boundaries cut a key into: each boundary is the first key of the next chunk.
     * Duplicates and an unsorted list are not expected (the boundaries are read in key order from a unique key) but
     * are tolerated by keeping the first occurrence of each value.
     */
    public static List<Chunk> fromBoundaries(List<String> boundaries, boolean nullable) {
        List<String> distinct = boundaries.stream().distinct().toList();
        List<Chunk> out = new ArrayList<>();
        Optional<String> lower = Optional.empty();
        for (String b : distinct) {
            out.add(new Chunk(out.size() + 1, lower, Optional.of(b), false));
            lower = Optional.of(b);
        }
        out.add(new Chunk(out.size() + 1, lower, Optional.empty(), false));
        if (nullable) {
            out.add(new Chunk(out.size() + 1, Optional.empty(), Optional.empty(), true));
        }
        return out;
    }

    /**
     * A WHERE predicate over {@code column} (an SQL expression), for a table that has a chunk key. The one range of a
     * table too small to be cut still says {@code IS NOT NULL}, so that NULL keys are counted only in their own chunk.
     */
    public String predicate(String column, boolean collateC) {
        if (nullKeys) {
            return column + " IS NULL";
        }
        String c = collateC ? "(" + column + " COLLATE \"C\")" : column;
        List<String> parts = new ArrayList<>();
        lower.ifPresent(l -> parts.add(c + " >= " + SqlText.literal(l)));
        upper.ifPresent(u -> parts.add(c + " < " + SqlText.literal(u)));
        return parts.isEmpty() ? column + " IS NOT NULL" : String.join(" AND ", parts);
    }

    /** {@code id < 1001}, {@code 1001 <= id < 2001}, {@code id >= 9001}, {@code id IS NULL} or {@code whole table}. */
    public String describe(Optional<String> keyName) {
        if (keyName.isEmpty()) {
            return "whole table";
        }
        String k = keyName.get();
        if (nullKeys) {
            return k + " IS NULL";
        }
        if (lower.isEmpty() && upper.isEmpty()) {
            return "all " + k;
        }
        if (lower.isEmpty()) {
            return k + " < " + upper.get();
        }
        if (upper.isEmpty()) {
            return k + " >= " + lower.get();
        }
        return lower.get() + " <= " + k + " < " + upper.get();
    }
}
