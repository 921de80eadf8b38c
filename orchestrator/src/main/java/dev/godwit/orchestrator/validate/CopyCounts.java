package dev.godwit.orchestrator.validate;

import dev.godwit.orchestrator.state.TaskStore.UnitRow;
import dev.godwit.workers.validate.Chunk;
import dev.godwit.workers.validate.ChunkCount;
import dev.godwit.workers.validate.ChunkResult;
import dev.godwit.workers.validate.TableOutcome;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The row counts of a finished full load as a comparison, read from the unit ledger instead of from the tables: per
 * unit, the rows the source's COPY sent under the load's snapshot against the rows the target's COPY wrote, each
 * unit a chunk of its table. A unit is committed together with both counts, and a unit copied again (a table
 * interrupted between its units is truncated and all its units reset) records them anew, so the ledger holds exactly
 * one pair per unit whose rows are on the target.
 */
final class CopyCounts {
    private CopyCounts() {
    }

    /**
     * @return per table by name, one chunk per unit in ledger order; empty when a unit is not done or has no source count (it
     *         was copied by a godwit that did not record one), so the caller counts the tables instead
     */
    static Optional<List<TableOutcome>> outcomes(List<UnitRow> ledger) {
        Map<String, List<ChunkResult>> byTable = new TreeMap<>();
        for (UnitRow u : ledger) {
            if (!u.done() || u.sourceRows().isEmpty()) {
                return Optional.empty();
            }
            List<ChunkResult> chunks = byTable.computeIfAbsent(u.tableKey(), k -> new ArrayList<>());
            Chunk chunk = new Chunk(chunks.size() + 1, Optional.empty(), Optional.empty(), false);
            chunks.add(new ChunkResult(u.tableKey(), chunk, describe(u), new ChunkCount(u.sourceRows().getAsLong(), null),
                    new ChunkCount(u.rows(), null), 0));
        }
        List<TableOutcome> out = new ArrayList<>();
        byTable.forEach((table, chunks) -> out.add(new TableOutcome(table, chunks)));
        return Optional.of(out);
    }

    /** The unit as a differing chunk names it: its id and the rows it selects. */
    private static String describe(UnitRow u) {
        return "unit " + u.unitId() + u.predicate().map(p -> ": " + p).orElse(": whole relation " + u.sourceRelation());
    }
}
