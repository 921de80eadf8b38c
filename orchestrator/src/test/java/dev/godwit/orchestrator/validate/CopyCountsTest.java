package dev.godwit.orchestrator.validate;

import dev.godwit.orchestrator.state.TaskStore.UnitRow;
import dev.godwit.workers.validate.TableOutcome;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CopyCountsTest {
    private static UnitRow unit(String id, String table, Optional<String> predicate, int ordinal, long written,
                                OptionalLong sent) {
        return new UnitRow(id, table, table, predicate.isPresent() ? "CTID_RANGE" : "WHOLE", predicate, 100, ordinal, true,
                written, 10, 5, sent);
    }

    @Test
    void eachUnitIsAChunkOfItsTableAndTheTablesSumTheirUnits() {
        List<UnitRow> ledger = List.of(
                unit("public.b#1", "public.b", Optional.of("ctid < '(10,0)'"), 1, 500, OptionalLong.of(500)),
                unit("public.a", "public.a", Optional.empty(), 2, 7, OptionalLong.of(7)),
                unit("public.b#2", "public.b", Optional.of("ctid >= '(10,0)'"), 3, 299, OptionalLong.of(300)));

        List<TableOutcome> tables = CopyCounts.outcomes(ledger).orElseThrow();

        assertEquals(List.of("public.a", "public.b"), tables.stream().map(TableOutcome::tableKey).toList());
        assertTrue(tables.get(0).equal());
        TableOutcome b = tables.get(1);
        assertEquals(800, b.sourceRows());
        assertEquals(799, b.targetRows());
        assertEquals("DIFFERENT", b.state());
        assertEquals(1, b.differing().size());
        assertEquals("unit public.b#2: ctid >= '(10,0)'", b.differing().get(0).range());
        assertEquals("ROWS", b.differing().get(0).state());
    }

    @Test
    void aUnitWithoutTheSourcesCountMeansTheTablesMustBeCounted() {
        List<UnitRow> ledger = List.of(unit("public.a", "public.a", Optional.empty(), 1, 7, OptionalLong.of(7)),
                unit("public.c", "public.c", Optional.empty(), 2, 3, OptionalLong.empty()));

        assertTrue(CopyCounts.outcomes(ledger).isEmpty());
    }
}
