package dev.godwit.orchestrator.validate;

import dev.godwit.workers.pg.Lsn;
import dev.godwit.workers.validate.ChunkResult;
import dev.godwit.workers.validate.TableOutcome;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of one validation.
 *
 * @param runId       the {@code validation_run} row
 * @param sourceLsn   the source position both sides were read at: a hold's position, or the source's WAL position
 *                    when the snapshot was taken (empty when the source could not say, e.g. a standby)
 * @param content     whether row contents were hashed, not only counted
 * @param fromCopy    the counts are those the full load's COPYs reported (the unit ledger), not read from the tables;
 *                    each chunk is then one unit of the load
 * @param tables      per target table, every chunk compared
 * @param differences the differing chunks, at most {@code settings.validation.failureMaxCount} of them
 * @param differing   how many chunks differ in all
 */
public record ValidationReport(long runId, Optional<Lsn> sourceLsn, boolean content, boolean fromCopy, List<TableOutcome> tables,
                               List<ChunkResult> differences, long differing, Duration elapsed) {
    public ValidationReport {
        tables = List.copyOf(tables);
        differences = List.copyOf(differences);
    }

    /** How the rows were compared, as the log line and the report say it. */
    public String method() {
        if (fromCopy) {
            return "row counts from the copy";
        }
        return content ? "rows and contents" : "row counts";
    }

    public boolean equal() {
        return differing == 0;
    }

    public List<TableOutcome> differingTables() {
        return tables.stream().filter(t -> !t.equal()).toList();
    }
}
