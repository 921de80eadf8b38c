package dev.godwit.orchestrator.validate;

import dev.godwit.workers.validate.Chunk;
import dev.godwit.workers.validate.TableOutcome;
import dev.godwit.workers.validate.ValidatedTable;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/** Has other processes compare a validation's chunks (docs/scale-out.md), instead of this process's own threads. */
public interface ChunkSpread {
    /**
     * Compares every chunk, each read on the source under {@code snapshot}, while the caller keeps the target at that
     * position, and returns them per table in the order given.
     *
     * @param runId the validation run the chunks belong to (recorded and running)
     */
    List<TableOutcome> compare(long runId, String snapshot, Map<ValidatedTable, List<Chunk>> chunks, boolean content)
            throws SQLException, InterruptedException;
}
