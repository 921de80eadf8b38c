package dev.godwit.workers.validate;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChunkTest {

    @Test
    void boundariesCutTheKeyIntoOpenEndedRangesThatCoverEveryValue() {
        List<Chunk> chunks = Chunk.fromBoundaries(List.of("101", "201"), false);
        assertEquals(3, chunks.size());
        assertEquals(new Chunk(1, Optional.empty(), Optional.of("101"), false), chunks.get(0));
        assertEquals(new Chunk(2, Optional.of("101"), Optional.of("201"), false), chunks.get(1));
        assertEquals(new Chunk(3, Optional.of("201"), Optional.empty(), false), chunks.get(2));
        assertEquals("\"id\" < '101'", chunks.get(0).predicate("\"id\"", false));
        assertEquals("\"id\" >= '101' AND \"id\" < '201'", chunks.get(1).predicate("\"id\"", false));
        assertEquals("\"id\" >= '201'", chunks.get(2).predicate("\"id\"", false));
        assertEquals("101 <= id < 201", chunks.get(1).describe(Optional.of("id")));
        assertEquals("id >= 201", chunks.get(2).describe(Optional.of("id")));
    }

    @Test
    void noBoundariesIsOneChunkThatLeavesNullKeysToTheirOwn() {
        List<Chunk> chunks = Chunk.fromBoundaries(List.of(), true);
        assertEquals(2, chunks.size());
        assertEquals("\"k\" IS NOT NULL", chunks.get(0).predicate("\"k\"", false));
        assertEquals("\"k\" IS NULL", chunks.get(1).predicate("\"k\"", false));
        assertEquals("k IS NULL", chunks.get(1).describe(Optional.of("k")));
        assertEquals("whole table", Chunk.whole().describe(Optional.empty()));
    }

    @Test
    void duplicateBoundariesDoNotMakeEmptyRanges() {
        List<Chunk> chunks = Chunk.fromBoundaries(List.of("a", "a", "b"), false);
        assertEquals(3, chunks.size());
        assertEquals(Optional.of("a"), chunks.get(1).lower());
        assertEquals(Optional.of("b"), chunks.get(1).upper());
    }

    @Test
    void stringKeysCompareInTheCCollationAndBoundsAreQuotedLiterals() {
        Chunk c = Chunk.fromBoundaries(List.of("O'Brien"), false).get(1);
        assertEquals("(\"name\" COLLATE \"C\") >= 'O''Brien'", c.predicate("\"name\"", true));
    }

    @Test
    void ordinalsFollowKeyOrder() {
        List<Chunk> chunks = Chunk.fromBoundaries(List.of("1", "2", "3"), true);
        for (int i = 0; i < chunks.size(); i++) {
            assertEquals(i + 1, chunks.get(i).ordinal());
        }
        assertTrue(chunks.get(chunks.size() - 1).nullKeys());
    }
}
