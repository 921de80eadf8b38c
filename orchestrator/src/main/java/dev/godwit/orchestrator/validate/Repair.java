package dev.godwit.orchestrator.validate;

import dev.godwit.mappings.sql.SqlText;
import dev.godwit.mappings.task.Task;
import dev.godwit.orchestrator.failure.FailureKind;
import dev.godwit.orchestrator.failure.GodwitException;
import dev.godwit.orchestrator.load.ChunkCopy;
import dev.godwit.orchestrator.plan.PlannedTable;
import dev.godwit.orchestrator.state.ControlSchema;
import dev.godwit.orchestrator.state.TaskStore;
import dev.godwit.workers.pg.ExportedSnapshot;
import dev.godwit.workers.pg.Lsn;
import dev.godwit.workers.pg.PgConnector;
import dev.godwit.workers.pg.ReplicaMode;
import dev.godwit.workers.validate.Chunk;
import dev.godwit.workers.validate.ChunkKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * {@code godwit repair}: the chunks that the latest content validation found different are copied again from the
 * source, and their tables validated again. While changes stream, the applier is held at a fresh snapshot's position
 * (as a validation holds it): at that position the target's rows equal the source's except where something went
 * wrong, so replacing a chunk's rows (DELETE on the target, COPY of the same key range from the snapshot, in one
 * target transaction committed only while the hold stands) makes them equal there, and the applier goes on from the
 * same position. Only the chunks' rows are touched; the pause lasts as long as their copy.
 */
public final class Repair {
    private static final Logger log = LoggerFactory.getLogger(Repair.class);

    /**
     * What was done; {@code validation} is the comparison afterwards of the repaired tables' contents (none when
     * there was nothing to copy).
     */
    public record Result(long repairedRun, int chunks, long rowsDeleted, long rowsCopied, Optional<Lsn> position,
                         List<String> notRepaired, Optional<ValidationReport> validation) {
        public boolean equal() {
            return validation.map(ValidationReport::equal).orElse(notRepaired.isEmpty());
        }
    }

    /** One chunk to copy again, with its predicates on each side (empty: the whole table). */
    private record Work(PlannedTable table, String range, Optional<String> sourcePredicate,
                        Optional<String> targetPredicate) {
    }

    private record Copied(Optional<Lsn> position, long deleted, long copied) {
    }

    private final Task task;
    private final PgConnector source;
    private final PgConnector target;
    private final ControlSchema control;

    public Repair(Task task, PgConnector source, PgConnector target, ControlSchema control) {
        this.task = task;
        this.source = source;
        this.target = target;
        this.control = control;
    }

    /**
     * @param streams       the task applies changes (CDC, not cut over)
     * @param runsElsewhere a live process runs the task and applies them
     * @throws GodwitException (bad input) when there is no content validation to repair from
     */
    public Result run(boolean streams, boolean runsElsewhere, Duration holdTimeout) throws Exception {
        ValidationStore store = new ValidationStore(control, task.name());
        ValidationStore.LastRun run;
        List<ValidationStore.DifferentChunk> different;
        try (Connection t = target.open("repair")) {
            run = store.latestContent(t).orElseThrow(() -> new GodwitException(FailureKind.BAD_INPUT, "task '"
                    + task.name() + "' has no content validation to repair from: run 'godwit validate "
                    + task.file() + " --content' first; repair copies again the chunks it finds different"));
            different = store.differentChunks(t, run.id());
        }
        Validator validator = new Validator(task, source, target, control);
        Map<String, PlannedTable> tables = validator.plan().tables().stream()
                .collect(Collectors.toMap(p -> p.mapping().targetKey(), Function.identity()));
        List<Work> work = new ArrayList<>();
        List<String> notRepaired = new ArrayList<>();
        for (ValidationStore.DifferentChunk d : different) {
            PlannedTable table = tables.get(d.tableKey());
            if (table == null) {
                notRepaired.add(d.tableKey() + " " + d.range() + ": no longer a table of the task");
            } else if (d.state().equals("MISSING")) {
                notRepaired.add(d.tableKey() + ": missing on the target; create it (or 'godwit reload') first");
            } else if (d.chunk().isEmpty()) {
                throw new GodwitException(FailureKind.BAD_INPUT, "validation run " + run.id() + " was recorded by an"
                        + " older godwit, without the chunks' bounds: run 'godwit validate " + task.file()
                        + " --content' again, then repair");
            } else {
                work.add(work(table, d.range(), d.chunk().get()));
            }
        }
        if (different.size() < run.differences()) {
            notRepaired.add((run.differences() - different.size()) + " more differing chunk(s) that the validation"
                    + " did not detail (validation.failureMaxCount): run validate --content and repair again");
        }
        Set<String> repairedTables = work.stream().map(w -> w.table().mapping().targetKey())
                .collect(Collectors.toCollection(LinkedHashSet::new));
        if (work.isEmpty()) {
            return new Result(run.id(), 0, 0, 0, Optional.empty(), notRepaired, Optional.empty());
        }
        TaskValidation.Work<Result> repairAndCompare = () -> {
            Copied copied = streams
                    ? HeldPosition.run(task, source, target, control, holdTimeout, "repair",
                            (s, t, slot, held) -> copy(s, t, slot.snapshotName(), Optional.of(slot.consistentPoint()),
                                    work, held))
                    : copyQuiesced(work);
            ValidationPosition position = streams ? ValidationPosition.hold(holdTimeout) : ValidationPosition.quiesced();
            ValidationReport after = validator.run(true, position, List.copyOf(repairedTables));
            return new Result(run.id(), work.size(), copied.deleted(), copied.copied(), copied.position(), notRepaired,
                    Optional.of(after));
        };
        Result result = streams && !runsElsewhere
                ? TaskValidation.withLocalApplier(task, source, target, control, repairAndCompare)
                : repairAndCompare.run();
        try (Connection t = target.open("repair")) {
            new TaskStore(control, task.name()).event(t, result.equal() ? "INFO" : "WARN", "repair",
                    "repair of validation run " + run.id() + ": " + result.chunks() + " chunk(s) of "
                            + String.join(", ", repairedTables) + " copied again" + result.position()
                            .map(p -> " at source position " + p).orElse("") + " (" + result.rowsDeleted()
                            + " rows deleted, " + result.rowsCopied() + " copied); validated again: "
                            + (result.equal() ? "equal" : "still different")
                            + " (run " + result.validation().orElseThrow().runId() + ")");
        }
        return result;
    }

    private static Work work(PlannedTable table, String range, Chunk chunk) {
        Optional<ChunkKey> key = ValidatedTables.key(table);
        if (key.isEmpty()) {
            return new Work(table, range, Optional.empty(), Optional.empty());
        }
        ChunkKey k = key.get();
        return new Work(table, range, Optional.of(chunk.predicate(k.sourceExpression(), k.collatable())),
                Optional.of(chunk.predicate(k.targetColumn(), k.collatable())));
    }

    private Copied copyQuiesced(List<Work> work) throws SQLException {
        try (ExportedSnapshot snapshot = ExportedSnapshot.export(source)) {
            return copy(source, target, snapshot.name(), Optional.empty(), work, () -> { });
        }
    }

    /** Every chunk replaced in one target transaction, committed only while the position still holds. */
    private static Copied copy(PgConnector source, PgConnector target, String snapshot, Optional<Lsn> position,
                               List<Work> work, HeldPosition.Held held) throws SQLException {
        try (Connection s = source.open("repair"); Connection t = target.open("repair")) {
            ReplicaMode.enable(t);
            s.setAutoCommit(false);
            t.setAutoCommit(false);
            try {
                ExportedSnapshot.importInto(s, snapshot);
                long deleted = 0;
                long copied = 0;
                for (Work w : work) {
                    String relation = SqlText.qualified(w.table().mapping().targetSchema(),
                            w.table().mapping().targetName());
                    try (Statement st = t.createStatement()) {
                        deleted += st.executeUpdate("DELETE FROM " + relation
                                + w.targetPredicate().map(p -> " WHERE " + p).orElse(""));
                    }
                    long rows = ChunkCopy.copy(s, t, w.table(), w.sourcePredicate());
                    copied += rows;
                    log.info("repair: {} {}: {} rows copied again", w.table().mapping().targetKey(), w.range(), rows);
                }
                s.commit();
                held.ensure();
                t.commit();
                return new Copied(position, deleted, copied);
            } catch (SQLException | RuntimeException e) {
                t.rollback();
                throw e;
            }
        }
    }
}
