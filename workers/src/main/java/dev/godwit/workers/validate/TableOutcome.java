package dev.godwit.workers.validate;

import java.util.List;

/** Every chunk of one table, compared. */
public record TableOutcome(String tableKey, List<ChunkResult> chunks) {
    public TableOutcome {
        chunks = List.copyOf(chunks);
    }

    /** Time spent comparing this table's chunks (summed over the connections that compared them). */
    public long millis() {
        return chunks.stream().mapToLong(ChunkResult::millis).sum();
    }

    public boolean equal() {
        return chunks.stream().allMatch(ChunkResult::equal);
    }

    public long sourceRows() {
        return chunks.stream().mapToLong(c -> Math.max(0, c.source().rows())).sum();
    }

    /** -1 when the target table is missing. */
    public long targetRows() {
        if (chunks.stream().anyMatch(c -> c.target().isMissing())) {
            return -1;
        }
        return chunks.stream().mapToLong(c -> c.target().rows()).sum();
    }

    public List<ChunkResult> differing() {
        return chunks.stream().filter(c -> !c.equal()).toList();
    }

    public String state() {
        if (chunks.stream().anyMatch(c -> c.target().isMissing())) {
            return "MISSING";
        }
        return equal() ? "EQUAL" : "DIFFERENT";
    }
}
