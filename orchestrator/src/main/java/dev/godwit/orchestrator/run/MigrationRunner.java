package dev.godwit.orchestrator.run;

import dev.godwit.orchestrator.failure.FailureKind;
import dev.godwit.orchestrator.failure.GodwitException;
import dev.godwit.mappings.partition.PartitionRule;
import dev.godwit.mappings.sql.SqlText;
import dev.godwit.mappings.task.Task;
import dev.godwit.mappings.task.TargetTablePrepMode;
import dev.godwit.orchestrator.plan.Parallelism;
import dev.godwit.orchestrator.plan.Plan;
import dev.godwit.orchestrator.plan.PlannedTable;
import dev.godwit.orchestrator.plan.Planner;
import dev.godwit.orchestrator.state.ControlSchema;
import dev.godwit.orchestrator.state.Owners;
import dev.godwit.orchestrator.state.Phase;
import dev.godwit.orchestrator.state.TaskStore;
import dev.godwit.orchestrator.validate.AutoValidation;
import dev.godwit.orchestrator.validate.ValidationPosition;
import dev.godwit.orchestrator.validate.ValidationReport;
import dev.godwit.orchestrator.validate.Validator;
import dev.godwit.workers.validate.TableOutcome;
import dev.godwit.workers.catalog.SourceCatalog;
import dev.godwit.workers.catalog.Table;
import dev.godwit.workers.catalog.TableKind;
import dev.godwit.workers.copy.CopyUnit;
import dev.godwit.orchestrator.cdc.CdcPhase;
import dev.godwit.orchestrator.cdc.Publications;
import dev.godwit.orchestrator.cutover.Cutover;
import dev.godwit.orchestrator.cutover.CutoverLedger;
import dev.godwit.orchestrator.cutover.CutoverPrinter;
import dev.godwit.orchestrator.cutover.CutoverReport;
import dev.godwit.orchestrator.cutover.CutoverRequest;
import dev.godwit.orchestrator.cutover.CutoverSchedule;
import dev.godwit.orchestrator.preflight.Preflight;
import dev.godwit.orchestrator.preflight.PreflightContext;
import dev.godwit.orchestrator.preflight.PreflightPrinter;
import dev.godwit.orchestrator.preflight.PreflightReport;
import dev.godwit.workers.cdc.stream.SlotInspector;
import dev.godwit.workers.pg.ExportedSnapshot;
import dev.godwit.workers.pg.Lsn;
import dev.godwit.workers.pg.SnapshotSlot;
import dev.godwit.workers.pg.PgConnector;
import dev.godwit.workers.schema.DdlWriter;
import dev.godwit.workers.schema.RangeBounds;
import dev.godwit.workers.schema.SchemaScript;
import dev.godwit.workers.schema.ScriptRunner;
import dev.godwit.workers.schema.TargetPrep;
import dev.godwit.workers.schema.TargetTableSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Runs a task as a numbered list of steps that the log repeats. Every step records its outcome in the control schema
 * before the next begins, so {@link #resume} can pick up after a crash at any point.
 */
public final class MigrationRunner {
    private static final Logger log = LoggerFactory.getLogger(MigrationRunner.class);

    private final Task task;
    private final PgConnector source;
    private final PgConnector target;
    private final ControlSchema control;
    private final TaskStore store;
    private final CutoverLedger cutovers;
    private final PrintWriter out;

    public MigrationRunner(Task task, PrintWriter out) {
        this.task = task;
        this.source = new PgConnector("source", task.source()).waitingForRestarts();
        this.target = new PgConnector("target", task.target()).waitingForRestarts();
        this.control = new ControlSchema(task.settings().controlSchema());
        this.store = new TaskStore(control, task.name());
        this.cutovers = new CutoverLedger(control, task.name());
        this.out = out;
    }

    /** A new run: refuses when the task already has state (that is what resume is for). */
    public void start() throws Exception {
        // before preflight, whose findings (target tables that "will be DROPPED") are for a run that would not happen
        try (Connection t = target.open("control")) {
            if (control.exists(t)) {
                refuseIfStarted(t);
            }
        }
        step(1, "plan and preflight: reading the source catalog of " + task.source().redacted());
        Planned planned = plan();
        preflight(planned.plan());
        step(2, "control schema " + control.name() + " on " + task.target().redacted());
        try (Connection t = target.open("control")) {
            control.install(t);
            refuseIfStarted(t); // again: another start may have recorded the task since
            recordPlan(t, planned.plan());
        }
        try (StopSignal stop = new StopSignal(target, store, cutovers, owner())) {
            if (task.type().hasFullLoad()) {
                createSchema(planned);
                if (!load(planned, stop)) {
                    return;
                }
            } else {
                beginCdcOnly(planned);
            }
            if (task.type().hasCdc()) {
                cdc(planned, stop, false);
            }
        }
    }

    private void refuseIfStarted(Connection t) throws SQLException {
        Optional<TaskStore.TaskRow> existing = store.find(t);
        if (existing.isPresent()) {
            refuseIfRunning(existing.get());
            throw new GodwitException(FailureKind.BAD_INPUT, "task '" + task.name() + "' already has state in "
                    + control.name() + " on the target (phase " + existing.get().phase() + "): use 'godwit resume "
                    + task.file() + "' to continue it, or 'godwit cleanup --all' to start over");
        }
    }

    private void refuseIfRunning(TaskStore.TaskRow row) {
        if (Owners.runsElsewhere(row)) {
            throw new GodwitException(FailureKind.BAD_INPUT, "task '" + task.name() + "' is running in process " + row.owner()
                    + " (started " + row.createdAt() + ", phase " + row.phase() + "); use 'godwit stop " + task.file()
                    + "' to stop it, or 'godwit status' to watch it");
        }
    }

    /** Continues from the recorded state, whatever step a stop or crash interrupted. */
    public void resume() throws Exception {
        TaskStore.TaskRow row;
        try (Connection t = target.open("control")) {
            control.install(t);
            row = store.find(t).orElseThrow(() -> new GodwitException(FailureKind.BAD_INPUT, "task '" + task.name()
                    + "' has no state in " + control.name() + " on the target: use 'godwit start " + task.file() + "'"));
            refuseIfRunning(row);
            store.setDesiredState(t, "run");
            store.setOwner(t, owner());
        }
        log.info("resuming task {} from phase {}", task.name(), row.phase());
        if (row.phase() == Phase.DONE || row.phase() == Phase.CUT_OVER) {
            out.println("Task " + task.name() + " has nothing left to do (phase " + row.phase() + ").");
            out.flush();
            return;
        }
        step(1, "plan: reading the source catalog of " + task.source().redacted());
        Planned planned = plan();
        step(2, "control schema " + control.name() + ": task recorded, phase " + row.phase());
        try (StopSignal stop = new StopSignal(target, store, cutovers, owner())) {
            boolean loaded = row.phase() == Phase.FULL_LOAD_DONE || row.phase() == Phase.CDC || !task.type().hasFullLoad();
            if (!loaded) {
                if (row.phase() == Phase.PLANNED) {
                    createSchema(planned);
                } else {
                    step(3, "target schema: already created");
                }
                if (!load(planned, stop)) {
                    return;
                }
            } else if (!task.type().hasFullLoad() && row.consistentPoint().isEmpty()) {
                beginCdcOnly(planned);
            }
            if (task.type().hasCdc()) {
                cdc(planned, stop, false);
            }
        }
    }

    /**
     * A cutover when no process runs the task: this process claims it, streams from the checkpoint, and performs the
     * cutover; it ends with the cutover, done or not (a failed one leaves the task as it was, ready to resume).
     */
    public CutoverReport cutover(boolean fence) throws Exception {
        try (Connection t = target.open("control")) {
            TaskStore.TaskRow row = store.find(t).orElseThrow();
            refuseIfRunning(row);
            store.setDesiredState(t, "run"); // a stop recorded earlier was for the run that ended
            store.setOwner(t, owner());
            cutovers.request(t, "command", fence);
        }
        step(1, "plan: reading the source catalog of " + task.source().redacted());
        Planned planned = plan();
        try (StopSignal stop = new StopSignal(target, store, cutovers, owner())) {
            return cdc(planned, stop, true).orElseThrow(() -> new GodwitException(FailureKind.FAILED,
                    "the cutover did not run: the task was stopped first (" + stop.reason() + ")"));
        }
    }

    /** Preflight before anything is created: blockers end the run with exit code 3 and the full report. */
    private void preflight(Plan plan) throws SQLException {
        try (Connection s = source.open("preflight"); Connection t = target.open("preflight")) {
            PreflightReport report = new Preflight().run(new PreflightContext(task, plan, s, t, task.source().user(),
                    task.target().user()));
            report.warnings().forEach(f -> log.warn("preflight: {} {}: {}", f.check(), f.object(), f.problem()));
            if (report.hasBlockers()) {
                new PreflightPrinter().printText(task, report, out);
                throw new GodwitException(FailureKind.PREFLIGHT_BLOCKERS, "preflight found " + report.blockers().size()
                        + " blocker(s), listed above with their fixes; nothing was created");
            }
        }
    }

    /** A CDC-only task: the target already holds the data; streaming starts at the given position or the slot's. */
    private void beginCdcOnly(Planned planned) throws SQLException {
        step(3, "change data capture from an existing slot");
        Lsn start;
        try (Connection s = source.open("slot")) {
            SlotInspector.SlotState slot = SlotInspector.slot(s, task.settings().slotName()).orElseThrow(() ->
                    new GodwitException(FailureKind.BAD_INPUT, "a cdc task streams from an existing replication slot, and "
                            + "slot " + task.settings().slotName() + " does not exist on the source (settings.slotName)"));
            Lsn confirmed = slot.confirmedFlushLsn();
            start = task.settings().cdc().startPosition().map(Lsn::parse).orElse(confirmed);
            if (start.compareTo(confirmed) < 0) {
                throw new GodwitException(FailureKind.BAD_INPUT, "cdc.startPosition " + start + " is before slot "
                        + task.settings().slotName() + "'s confirmed_flush_lsn " + confirmed + ": the changes before "
                        + confirmed + " are no longer in the slot");
            }
            Publications.ensure(s, task.settings().publicationName(),
                    Publications.relations(planned.plan().tables(), planned.plan().catalog().majorVersion()),
                    planned.plan().catalog().majorVersion());
        }
        try (Connection t = target.open("control")) {
            store.setConsistentPoint(t, start);
            store.setPhase(t, Phase.FULL_LOAD_DONE);
        }
    }

    /**
     * Streams changes until stopped or cut over. A cutover request (from {@code godwit cutover} or the schedule) is
     * taken between transactions; a cutover that fails its checks leaves the task streaming as before, unless this
     * run exists only for that cutover ({@code cutoverOnly}).
     *
     * @return the cutover's report when one was attempted and this run ends with it
     */
    private Optional<CutoverReport> cdc(Planned planned, StopSignal stop, boolean cutoverOnly) throws Exception {
        step(steps(), "change data capture: streaming slot " + task.settings().slotName() + " into the target");
        CdcPhase phase;
        try (Connection t = target.open("control")) {
            Lsn consistentPoint = store.find(t).flatMap(TaskStore.TaskRow::consistentPoint).orElseThrow(() ->
                    new IllegalStateException("task " + task.name() + " has no recorded slot position"));
            store.setPhase(t, Phase.CDC);
            store.event(t, "INFO", "cdc", "streaming from " + consistentPoint);
            phase = CdcPhase.forTask(task, source, target, control, planned.plan().tables(), consistentPoint, t);
        }
        try (AutoValidation validation = AutoValidation.duringCdc(task, source, target, control);
             CutoverSchedule schedule = CutoverSchedule.startFiring(task.name(), control, target)) {
            while (true) {
                phase.run(() -> stop.requested() || stop.cutoverRequested(), Optional.empty());
                Optional<CutoverRequest> request = stop.requested() ? Optional.empty() : stop.takeCutover();
                if (request.isEmpty()) {
                    try (Connection t = target.open("control")) {
                        store.event(t, "INFO", "cdc", "stopped (" + stop.reason() + ")");
                    }
                    out.println("Stopped. 'godwit resume " + task.file() + "' continues where this run left off.");
                    out.flush();
                    return Optional.empty();
                }
                CutoverReport report = cutover(planned, phase, stop, request.get());
                new CutoverPrinter(out).print(task, report);
                if (report.done()) {
                    schedule.cancel();
                    return Optional.of(report);
                }
                if (cutoverOnly) {
                    return Optional.of(report);
                }
            }
        }
    }

    private CutoverReport cutover(Planned planned, CdcPhase phase, StopSignal stop, CutoverRequest request)
            throws Exception {
        log.info("cutover of task {} ({}{})", task.name(), request.requestedBy(), request.fence() ? ", fenced" : "");
        Cutover.CatchUp catchUp = (position, limit) -> {
            java.time.Instant deadline = java.time.Instant.now().plus(limit);
            return phase.run(() -> stop.requested() || java.time.Instant.now().isAfter(deadline), Optional.of(position))
                    == CdcPhase.Outcome.CAUGHT_UP;
        };
        Cutover.Sequences sequences = (s, t) -> new SequenceSync().sync(s, t, planned.plan().tables()).size();
        Cutover.FinalValidation validation = this::finalValidation;
        return new Cutover(task, source, target, control, store).run(request, catchUp, sequences, validation);
    }

    /** Both sides are still here (the applier stopped at the final position, writes stopped): no hold is needed. */
    private Cutover.FinalValidation.Result finalValidation() throws Exception {
        ValidationReport report = new Validator(task, source, target, control).run(false, ValidationPosition.quiesced());
        long rows = report.tables().stream().mapToLong(TableOutcome::sourceRows).sum();
        String verdict = report.equal() ? "equal" : report.differing() + " chunk(s) differ, in "
                + report.differingTables().stream().map(TableOutcome::tableKey).collect(Collectors.joining(", "));
        return new Cutover.FinalValidation.Result(report.equal(), rows, String.format(java.util.Locale.ROOT,
                "%d tables, %,d rows, %s (validation run %d)", report.tables().size(), rows, verdict, report.runId()));
    }

    private record Planned(Plan plan, List<TargetTableSpec> specs, DdlWriter.Options options) {
    }

    private Planned plan() throws SQLException {
        try (Connection c = source.open("plan")) {
            Plan plan = Planner.forSource(task, c);
            SourceCatalog catalog = plan.catalog();
            List<TargetTableSpec> specs = plan.tables().stream()
                    .map(t -> new TargetTableSpec(t.source(), t.mapping(), partitionsBelow(t.source(), catalog)))
                    .toList();
            DdlWriter.Options options = DdlWriter.Options.defaults().withSchemaMapping(schemaMapping(plan));
            for (PlannedTable t : plan.tables()) {
                if (t.mapping().partitionRule() instanceof PartitionRule.Repartition r
                        && r.strategy() instanceof PartitionRule.Range range) {
                    options = options.withRangeBounds(t.mapping().targetKey(),
                            bounds(c, t.source(), range.column()));
                }
            }
            log.info("plan: {} tables, {} units, ~{} rows", plan.tables().size(), plan.schedule().size(), plan.estimatedRows());
            plan.warnings().forEach(w -> log.warn("plan: {}", w));
            return new Planned(plan, specs, options);
        }
    }

    private void recordPlan(Connection t, Plan plan) throws SQLException {
        t.setAutoCommit(false);
        try {
            store.create(t, task.type().spelling(), task.settings().slotName(), task.settings().publicationName(), owner());
            for (PlannedTable table : plan.tables()) {
                store.addTable(t, table.mapping().targetKey(), table.source().schema() + "." + table.source().name());
            }
            int ordinal = 0;
            for (Plan.ScheduledUnit u : plan.schedule()) {
                CopyUnit unit = u.unit();
                store.addUnit(t, unit.id(), u.table().mapping().targetKey(), SqlText.qualified(unit.sourceSchema(), unit.sourceName()),
                        unit.kind().name(), unit.rangePredicate().orElse(null), unit.estimatedBytes(), ordinal++);
            }
            store.event(t, "INFO", "plan", plan.tables().size() + " tables, " + plan.schedule().size() + " units");
            t.commit();
        } catch (SQLException | RuntimeException e) {
            t.rollback();
            throw e;
        } finally {
            t.setAutoCommit(true);
        }
    }

    /** Pre-data in one target transaction with the phase change: the schema is either wholly there or not at all. */
    private void createSchema(Planned planned) throws SQLException {
        TargetTablePrepMode mode = task.settings().targetTablePrepMode();
        step(3, "target schema (" + mode + ")");
        try (Connection t = target.open("schema")) {
            TargetPrep.Result prep = TargetPrep.prepare(t, mode, planned.plan().catalog(), planned.specs(), planned.options());
            if (!prep.ready()) {
                throw new GodwitException(FailureKind.BAD_INPUT, "the target schema does not fit the mappings ("
                        + mode + "):\n" + prep.mismatches().stream().map(m -> "  - " + m).collect(Collectors.joining("\n")));
            }
            prep.script().warnings().forEach(w -> log.warn("schema: {}", w));
            t.setAutoCommit(false);
            try {
                ScriptRunner.run(t, prep.script().preData());
                store.setPhase(t, Phase.SCHEMA_CREATED);
                store.event(t, "INFO", "schema", prep.script().preData().size() + " pre-data statements");
                t.commit();
            } catch (SQLException | RuntimeException e) {
                t.rollback();
                throw e;
            }
            log.info("target schema: {} statements", prep.script().preData().size());
        }
    }

    /** Runs or finishes the full load; false when a stop was requested before it completed. */
    private boolean load(Planned planned, StopSignal stop) throws Exception {
        Plan plan = planned.plan();
        SchemaScript script = DdlWriter.write(plan.catalog(), planned.specs(), planned.options());
        Map<String, SchemaScript.Group> postData = new HashMap<>();
        List<SchemaScript.Statement> foreignKeys = new ArrayList<>();
        for (SchemaScript.Group g : script.postData()) {
            if (g.phase() == SchemaScript.TABLE_PHASE) {
                postData.put(targetKeyOfGroup(g, planned.specs()), g);
            } else {
                foreignKeys.addAll(g.statements());
            }
        }
        Map<String, TableCopy> copies = new LinkedHashMap<>();
        plan.tables().forEach(t -> copies.put(t.mapping().targetKey(), TableCopy.of(t)));

        List<TaskStore.UnitRow> ledger;
        List<TaskStore.TableRow> tableRows;
        try (Connection t = target.open("control")) {
            t.setAutoCommit(false);
            ledger = store.units(t);
            tableRows = store.tables(t);
            // a table interrupted between its units was copied under a snapshot that is gone: copy it again whole
            Map<String, List<TaskStore.UnitRow>> byTable = ledger.stream()
                    .collect(Collectors.groupingBy(TaskStore.UnitRow::tableKey, LinkedHashMap::new, Collectors.toList()));
            for (Map.Entry<String, List<TaskStore.UnitRow>> e : byTable.entrySet()) {
                boolean someDone = e.getValue().stream().anyMatch(TaskStore.UnitRow::done);
                boolean allDone = e.getValue().stream().allMatch(TaskStore.UnitRow::done);
                if (someDone && !allDone) {
                    log.info("table {} was interrupted between its units: copying it again", e.getKey());
                    try (var s = t.createStatement()) {
                        s.execute(copies.get(e.getKey()).truncateStatement());
                    }
                    store.resetTable(t, e.getKey());
                    store.event(t, "INFO", "full load", "table " + e.getKey() + " copied again after an interruption");
                }
            }
            store.setPhase(t, Phase.FULL_LOAD);
            t.commit();
            ledger = store.units(t);
            tableRows = store.tables(t);
            t.setAutoCommit(true);
        }
        List<String> notReady = tableRows.stream().filter(r -> !r.state().equals("ready")).map(TaskStore.TableRow::tableKey).toList();
        long pending = ledger.stream().filter(u -> !u.done()).count();
        long pendingBytes = ledger.stream().filter(u -> !u.done()).mapToLong(TaskStore.UnitRow::estimatedBytes).sum();
        step(4, "snapshot: " + pending + " of " + ledger.size() + " units to copy");
        LoadProgress progress = new LoadProgress(ledger.size(), pendingBytes, tableRows.size(), ledger.size() - pending);
        int parallelism = Parallelism.of(task.settings());
        Set<String> tablesToCopy = ledger.stream().filter(u -> !u.done()).map(TaskStore.UnitRow::tableKey)
                .collect(Collectors.toCollection(java.util.TreeSet::new));
        try (HeldSnapshot snapshot = snapshot(planned.plan(), pending > 0, tablesToCopy)) {
            step(5, "full load: " + pending + " units, " + parallelism + " at a time, snapshot " + snapshot.name());
            try (ProgressDisplay display = new ProgressDisplay(progress)) {
                new FullLoad(source, target, store, copies, postData, parallelism,
                        task.settings().targetTablePrepMode() == TargetTablePrepMode.DROP_AND_CREATE)
                        .run(snapshot.name(), progress, ledger, notReady, stop::requested);
            }
        }
        if (stop.requested()) {
            try (Connection t = target.open("control")) {
                store.event(t, "INFO", "full load", "stopped (" + stop.reason() + "): " + progress.line());
            }
            log.info("stopped ({}) after committing the units in progress: {}", stop.reason(), progress.line());
            out.println("Stopped. 'godwit resume " + task.file() + "' continues where this run left off.");
            out.flush();
            return false;
        }
        log.info("full load: {}", progress.line());
        step(6, "foreign keys, sequences, report");
        try (Connection s = source.open("sequences"); Connection t = target.open("finish")) {
            t.setAutoCommit(false);
            ScriptRunner.run(t, foreignKeys);
            List<SequenceSync.Synced> sequences = new SequenceSync().sync(s, t, plan.tables());
            store.setPhase(t, task.type().hasCdc() ? Phase.FULL_LOAD_DONE : Phase.DONE);
            store.event(t, "INFO", "full load", "done: " + progress.line());
            t.commit();
            log.info("{} foreign keys created, {} sequences set", foreignKeys.size(), sequences.size());
            new LoadReport(store).print(t, out, progress);
        }
        if (!task.type().hasCdc()) {
            AutoValidation.afterFullLoad(task, source, target, control, out);
        }
        return true;
    }

    /** The snapshot the copy workers import, and what holds it open until they are done. */
    private record HeldSnapshot(String name, AutoCloseable holder) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            if (holder != null) {
                holder.close();
            }
        }
    }

    /**
     * A full-load task reads under a snapshot exported from an ordinary transaction. A CDC task's first run creates the
     * publication and then the slot together with its snapshot, and records the slot's consistent point: the copy plus
     * the changes from that point are the whole table. When a later run (a resume) has tables left to copy, the first
     * snapshot is gone: they are copied under a temporary slot's snapshot, and each records that slot's position as
     * its own sync position, at or below which the applier skips its changes.
     */
    private HeldSnapshot snapshot(Plan plan, boolean needed, Set<String> tablesToCopy) throws SQLException {
        if (!task.type().hasCdc()) {
            if (!needed) {
                return new HeldSnapshot(null, null);
            }
            ExportedSnapshot exported = ExportedSnapshot.export(source);
            return new HeldSnapshot(exported.name(), exported);
        }
        Optional<Lsn> recorded;
        try (Connection t = target.open("control")) {
            recorded = store.find(t).flatMap(TaskStore.TaskRow::consistentPoint);
        }
        if (recorded.isEmpty()) {
            int major = plan.catalog().majorVersion();
            try (Connection s = source.open("publication")) {
                Publications.ensure(s, task.settings().publicationName(), Publications.relations(plan.tables(), major), major);
                dropLeftoverSlot(s);
            }
            SnapshotSlot slot = SnapshotSlot.create(source, task.settings().slotName(), false);
            try (Connection t = target.open("control")) {
                store.setConsistentPoint(t, slot.consistentPoint());
                store.event(t, "INFO", "snapshot", "slot " + slot.slotName() + " created at " + slot.consistentPoint());
            }
            log.info("slot {} created at {} with snapshot {}", slot.slotName(), slot.consistentPoint(), slot.snapshotName());
            return new HeldSnapshot(slot.snapshotName(), slot);
        }
        if (!needed) {
            return new HeldSnapshot(null, null);
        }
        SnapshotSlot resync = SnapshotSlot.create(source, task.settings().slotName() + "_sync", true);
        try (Connection t = target.open("control")) {
            t.setAutoCommit(false);
            for (String table : tablesToCopy) {
                store.setSyncLsn(t, table, resync.consistentPoint());
            }
            store.event(t, "INFO", "snapshot", "tables " + tablesToCopy + " copied under a new snapshot at "
                    + resync.consistentPoint() + "; their changes up to there are skipped");
            t.commit();
        }
        log.info("copying {} under a new snapshot at {}; their changes before it are skipped", tablesToCopy,
                resync.consistentPoint());
        return new HeldSnapshot(resync.snapshotName(), resync);
    }

    /** A slot of this task's name with no recorded position was left by a run that crashed right after creating it. */
    private void dropLeftoverSlot(Connection s) throws SQLException {
        Optional<SlotInspector.SlotState> slot = SlotInspector.slot(s, task.settings().slotName());
        if (slot.isPresent() && slot.get().exists()) {
            if (slot.get().active()) {
                throw new GodwitException(FailureKind.FAILED, "replication slot " + task.settings().slotName()
                        + " exists and is in use by another process; choose another settings.slotName or stop that process");
            }
            log.info("dropping slot {}, left by an earlier run before its position was recorded", task.settings().slotName());
            try (var ps = s.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
                ps.setString(1, task.settings().slotName());
                ps.execute();
            }
        }
    }

    private static String targetKeyOfGroup(SchemaScript.Group g, List<TargetTableSpec> specs) {
        for (TargetTableSpec s : specs) {
            if (g.name().equals(SqlText.qualified(s.mapping().targetSchema(), s.mapping().targetName()))
                    || g.name().equals(s.targetKey())) {
                return s.targetKey();
            }
        }
        return g.name();
    }

    /** Every relation below a partitioned table: intermediate partitioned tables and leaves, parents first. */
    private static List<Table> partitionsBelow(Table table, SourceCatalog catalog) {
        List<Table> out = new ArrayList<>();
        if (table.kind() != TableKind.PARTITIONED) {
            return out;
        }
        for (Table child : catalog.children(table)) {
            if (child.isPartition()) {
                out.add(child);
                out.addAll(partitionsBelow(child, catalog));
            }
        }
        return out;
    }

    /** Where each source schema's types and sequences go: the target schema its tables go to, when they agree. */
    private static java.util.function.Function<String, String> schemaMapping(Plan plan) {
        Map<String, java.util.Set<String>> targets = new HashMap<>();
        for (PlannedTable t : plan.tables()) {
            targets.computeIfAbsent(t.source().schema(), k -> new java.util.TreeSet<>()).add(t.mapping().targetSchema());
        }
        return schema -> {
            java.util.Set<String> t = targets.get(schema);
            return t != null && t.size() == 1 ? t.iterator().next() : schema;
        };
    }

    private static RangeBounds bounds(Connection c, Table table, String column) throws SQLException {
        String col = SqlText.identifier(column);
        try (PreparedStatement ps = c.prepareStatement("SELECT min(" + col + ")::text, max(" + col + ")::text FROM ONLY "
                + SqlText.qualified(table.schema(), table.name()));
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return new RangeBounds(rs.getString(1), rs.getString(2));
        }
    }

    private static String owner() {
        return Owners.self();
    }

    private void step(int n, String what) {
        log.info("STEP {}/{} {}", n, steps(), what);
    }

    /** Full load: plan, control schema, target schema, snapshot, copy, finish; CDC adds the streaming step. */
    private int steps() {
        return switch (task.type()) {
            case FULL_LOAD -> 6;
            case CDC -> 3;
            case FULL_LOAD_AND_CDC -> 7;
        };
    }
}
