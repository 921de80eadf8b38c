package dev.godwit.orchestrator.validate;

import dev.godwit.mappings.task.Task;
import dev.godwit.mappings.task.ValidationSettings;
import dev.godwit.orchestrator.failure.FailureKind;
import dev.godwit.orchestrator.failure.GodwitException;
import dev.godwit.orchestrator.plan.Plan;
import dev.godwit.orchestrator.plan.Planner;
import dev.godwit.orchestrator.plan.PlannedTable;
import dev.godwit.orchestrator.state.ControlSchema;
import dev.godwit.orchestrator.state.TaskStore;
import dev.godwit.workers.pg.ExportedSnapshot;
import dev.godwit.workers.pg.Lsn;
import dev.godwit.workers.pg.PgConnector;
import dev.godwit.workers.validate.ChunkResult;
import dev.godwit.workers.validate.Comparison;
import dev.godwit.workers.validate.TableOutcome;
import dev.godwit.workers.validate.ValidatedTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Compares every selected table of a task, source against target, at one source position: row counts per table and
 * per chunk of about {@code settings.validation.partitionSize} rows, and with content an order-free hash of the rows
 * as the mappings make them. Records the run in the control schema and returns the report. Never locks anything on
 * the source: the source is read under an exported snapshot. See docs/validation.md.
 */
public final class Validator {
    private static final Logger log = LoggerFactory.getLogger(Validator.class);

    private final Task task;
    private final PgConnector source;
    private final PgConnector target;
    private final ControlSchema control;
    private final Optional<ChunkSpread> spread;

    public Validator(Task task, PgConnector source, PgConnector target, ControlSchema control) {
        this(task, source, target, control, Optional.empty());
    }

    private Validator(Task task, PgConnector source, PgConnector target, ControlSchema control,
                      Optional<ChunkSpread> spread) {
        this.task = task;
        this.source = source;
        this.target = target;
        this.control = control;
        this.spread = spread;
    }

    /** This validator with the chunks compared by other processes too (the tables are still cut here). */
    public Validator spreadOver(ChunkSpread chunks) {
        return new Validator(task, source, target, control, Optional.of(chunks));
    }

    /** Every table of the task. */
    public ValidationReport run(boolean content, ValidationPosition position) throws SQLException, InterruptedException {
        return run(content, position, List.of());
    }

    /**
     * @param tables target tables to compare ({@code schema.name} or the name alone); empty for every table
     * @throws GodwitException (exit 2) when a named table is not in the task
     */
    public ValidationReport run(boolean content, ValidationPosition position, List<String> tables)
            throws SQLException, InterruptedException {
        long started = System.nanoTime();
        List<ValidatedTable> compared = select(comparable(plan(), position), tables);
        ValidationStore store = new ValidationStore(control, task.name());
        long runId;
        try (Connection t = target.open("validation")) {
            runId = store.begin(t, content);
        }
        try {
            ValidationSettings settings = task.settings().validation();
            Comparison.Options options = new Comparison.Options(Math.max(1, settings.threadCount()),
                    Math.max(1, settings.partitionSize()), content);
            Optional<Lsn> lsn;
            List<TableOutcome> outcomes;
            if (position instanceof ValidationPosition.ApplierHold hold) {
                Held at = HeldPosition.run(task, source, target, control, hold.timeout(), "validation",
                        (source, target, slot, held) -> {
                            log.info("validation: comparing {} tables", compared.size());
                            List<TableOutcome> found = compare(source, target, slot.snapshotName(), options,
                                    compared, runId);
                            held.ensure();
                            return new Held(slot.consistentPoint(), found);
                        });
                lsn = Optional.of(at.position());
                outcomes = at.outcomes();
            } else {
                try (ExportedSnapshot snapshot = ExportedSnapshot.export(source)) {
                    lsn = currentLsn();
                    outcomes = compare(source, target, snapshot.name(), options, compared, runId);
                }
            }
            return finish(store, runId, lsn, content, false, outcomes, started);
        } catch (SQLException | InterruptedException | RuntimeException e) {
            failed(store, runId, e);
            throw e;
        }
    }

    private List<TableOutcome> compare(PgConnector source, PgConnector target, String snapshot,
                                       Comparison.Options options, List<ValidatedTable> tables, long runId)
            throws SQLException, InterruptedException {
        Comparison comparison = new Comparison(source, target, snapshot, options);
        if (spread.isEmpty()) {
            return comparison.run(tables);
        }
        return spread.get().compare(runId, snapshot, comparison.cut(tables), options.content());
    }

    /** What the comparison at the held position found, and where. */
    private record Held(Lsn position, List<TableOutcome> outcomes) {
    }

    /**
     * Right after a full load, without reading the tables: compares, per unit of the ledger, the rows the source's
     * COPY sent under the load's snapshot with the rows the target's COPY wrote, and records the run like any other.
     *
     * @return empty, with nothing recorded, when a unit of the ledger has no source count (copied by an older godwit):
     *         then the tables must be counted
     */
    public Optional<ValidationReport> fromCopyCounts() throws SQLException {
        long started = System.nanoTime();
        Optional<List<TableOutcome>> outcomes;
        try (Connection t = target.open("validation")) {
            outcomes = CopyCounts.outcomes(new TaskStore(control, task.name()).units(t));
        }
        if (outcomes.isEmpty()) {
            return Optional.empty();
        }
        ValidationStore store = new ValidationStore(control, task.name());
        long runId;
        try (Connection t = target.open("validation")) {
            runId = store.begin(t, false);
        }
        try {
            return Optional.of(finish(store, runId, Optional.empty(), false, true, outcomes.get(), started));
        } catch (SQLException | RuntimeException e) {
            failed(store, runId, e);
            throw e;
        }
    }

    private ValidationReport finish(ValidationStore store, long runId, Optional<Lsn> lsn, boolean content,
                                    boolean fromCopy, List<TableOutcome> outcomes, long started) throws SQLException {
        List<ChunkResult> differing = outcomes.stream().flatMap(o -> o.differing().stream()).toList();
        ValidationReport report = new ValidationReport(runId, lsn, content, fromCopy, outcomes,
                differing.stream().limit(Math.max(0, task.settings().validation().failureMaxCount())).toList(),
                differing.size(), Duration.ofNanos(System.nanoTime() - started));
        try (Connection t = target.open("validation")) {
            store.finish(t, report);
            new TaskStore(control, task.name()).event(t, report.equal() ? "INFO" : "ERROR", "validation", summary(report));
        }
        if (report.equal()) {
            log.info("validation: {}", summary(report));
        } else {
            log.error("validation: {}", summary(report));
        }
        return report;
    }

    private void failed(ValidationStore store, long runId, Exception e) {
        try (Connection t = target.open("validation")) {
            store.failed(t, runId);
        } catch (RuntimeException | SQLException suppressed) {
            e.addSuppressed(suppressed);
        }
    }

    static String summary(ValidationReport r) {
        String at = r.sourceLsn().map(l -> " at source position " + l).orElse("");
        if (r.equal()) {
            return r.tables().size() + (r.tables().size() == 1 ? " table" : " tables") + " equal" + at + " (" + r.method() + ")";
        }
        return "DIFFERENCES in " + r.differingTables().size() + " of " + r.tables().size() + " tables" + at + ": "
                + r.differingTables().stream().map(TableOutcome::tableKey).collect(Collectors.joining(", "))
                + " (" + r.method() + "; " + r.differing() + (r.differing() == 1 ? " chunk differs" : " chunks differ")
                + "; run " + r.runId() + ")";
    }

    /** The task's tables: a table the selection rules match that has not joined the task yet is not compared. */
    Plan plan() throws SQLException {
        Plan plan;
        try (Connection s = source.open("validation plan")) {
            plan = Planner.forSource(task, s);
        }
        Set<String> recorded;
        try (Connection t = target.open("validation plan")) {
            recorded = control.exists(t) ? new TaskStore(control, task.name()).tableKeys(t) : Set.of();
        }
        if (recorded.isEmpty()) {
            return plan;
        }
        return plan.restrictedTo(recorded);
    }

    /**
     * The tables a comparison at this position can find equal: while changes stream, not the unlogged ones, whose
     * changes CDC cannot carry (they are copied again inside the cutover, and compared then).
     */
    private static List<PlannedTable> comparable(Plan plan, ValidationPosition position) {
        if (!(position instanceof ValidationPosition.ApplierHold)) {
            return plan.tables();
        }
        List<PlannedTable> out = new ArrayList<>();
        for (PlannedTable t : plan.tables()) {
            if (t.cdc() == PlannedTable.CdcCoverage.COPIED_AT_CUTOVER) {
                log.info("validation: {} is left out while changes stream: it is unlogged, so its changes are not "
                        + "streamed; it is copied again and compared at the cutover", t.mapping().targetKey());
            } else {
                out.add(t);
            }
        }
        return out;
    }

    private List<ValidatedTable> select(List<PlannedTable> planned, List<String> names) {
        List<ValidatedTable> all = planned.stream().map(ValidatedTables::of).toList();
        if (names.isEmpty()) {
            return all;
        }
        List<ValidatedTable> out = new ArrayList<>();
        for (String name : names) {
            List<ValidatedTable> hits = all.stream().filter(t -> t.tableKey().equals(name)
                    || t.tableKey().substring(t.tableKey().indexOf('.') + 1).equals(name)).toList();
            if (hits.isEmpty()) {
                throw new GodwitException(FailureKind.BAD_INPUT, "--table " + name + " is not a target table of task '"
                        + task.name() + "'; its tables are: " + all.stream().map(ValidatedTable::tableKey)
                        .collect(Collectors.joining(", ")));
            }
            if (hits.size() > 1) {
                throw new GodwitException(FailureKind.BAD_INPUT, "--table " + name + " names several target tables ("
                        + hits.stream().map(ValidatedTable::tableKey).collect(Collectors.joining(", "))
                        + "); give it as schema.name");
            }
            if (!out.contains(hits.get(0))) {
                out.add(hits.get(0));
            }
        }
        return out;
    }



    private Optional<Lsn> currentLsn() {
        try (Connection s = source.open("validation"); Statement st = s.createStatement();
             ResultSet rs = st.executeQuery("SELECT pg_current_wal_lsn()::text")) {
            rs.next();
            return Optional.of(Lsn.parse(rs.getString(1)));
        } catch (SQLException | RuntimeException e) {
            log.debug("could not read the source's WAL position", e);
            return Optional.empty();
        }
    }
}
