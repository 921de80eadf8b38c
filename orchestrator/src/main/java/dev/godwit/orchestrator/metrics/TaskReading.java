package dev.godwit.orchestrator.metrics;

import dev.godwit.orchestrator.cdc.CdcStatus;
import dev.godwit.orchestrator.cutover.CutoverLedger;
import dev.godwit.orchestrator.state.Phase;
import dev.godwit.workers.pg.Lsn;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * What one poll read about a task: the control schema on the target, and the source's slot when the task streams.
 *
 * @param at                  when it was read
 * @param phase               the recorded phase; empty before the task is recorded
 * @param tables              the full load per table, in table order
 * @param cdc                 what {@code status} shows of change data capture; empty before the slot exists
 * @param received            the last LSN the applier had received at its latest progress line
 * @param safeWalSize         the WAL the source can still write before the slot is in danger (PostgreSQL 13+)
 * @param validationChunks    chunks of the latest validation by result ({@code equal}, {@code rows}, …)
 * @param validationDifferences differing chunks of the latest validation, including those beyond the detail limit
 * @param validationFinished  when the latest finished validation finished
 * @param cutover             the latest cutover request: its state, and how long its fence stopped the source's writes
 * @param snapshotAgeSeconds  the age of the oldest snapshot godwit holds open on the source (0 when none); empty when
 *                            the source was not read
 * @param events              the task's recorded warnings and errors by level ({@code warn}, {@code error}) and phase
 */
record TaskReading(Instant at, Optional<Phase> phase, List<TableLoad> tables, Optional<CdcStatus> cdc,
                   Optional<Lsn> received, OptionalLong safeWalSize, Map<String, Long> validationChunks,
                   OptionalLong validationDifferences, Optional<Instant> validationFinished,
                   Optional<CutoverLedger.Entry> cutover, OptionalDouble snapshotAgeSeconds,
                   Map<EventPhase.Key, Long> events) {

    TaskReading {
        tables = List.copyOf(tables);
        validationChunks = Map.copyOf(validationChunks);
        events = Map.copyOf(events);
    }

    /** Nothing recorded yet: the control schema or the task's row is not there. */
    static TaskReading unrecorded(Instant at) {
        return new TaskReading(at, Optional.empty(), List.of(), Optional.empty(), Optional.empty(), OptionalLong.empty(),
                Map.of(), OptionalLong.empty(), Optional.empty(), Optional.empty(), OptionalDouble.empty(), Map.of());
    }

    /** The estimated source bytes of the units copied and of those still to copy, over every table. */
    long estimatedBytesDone() {
        return tables.stream().mapToLong(TableLoad::estimatedBytesDone).sum();
    }

    long estimatedBytesPending() {
        return tables.stream().mapToLong(TableLoad::estimatedBytesPending).sum();
    }

    /**
     * One table's full load.
     *
     * @param rows, bytes               what {@code table_state} records as copied (rows written on the target)
     * @param unitsDone, units           the unit ledger's count of copied units and of all units
     * @param estimatedBytesDone/Pending the plan's size estimates of the copied and the remaining units
     */
    record TableLoad(String table, long rows, long bytes, long unitsDone, long units, long estimatedBytesDone,
                     long estimatedBytesPending) {
    }
}
