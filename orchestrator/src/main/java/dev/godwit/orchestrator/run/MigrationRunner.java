package dev.godwit.orchestrator.run;

import dev.godwit.mappings.partition.PartitionRule;
import dev.godwit.mappings.sql.SqlText;
import dev.godwit.mappings.task.MigrationType;
import dev.godwit.mappings.task.Task;
import dev.godwit.mappings.task.TargetTablePrepMode;
import dev.godwit.orchestrator.cli.ExitCodes;
import dev.godwit.orchestrator.cli.GodwitException;
import dev.godwit.orchestrator.plan.Parallelism;
import dev.godwit.orchestrator.plan.Plan;
import dev.godwit.orchestrator.plan.PlannedTable;
import dev.godwit.orchestrator.plan.Planner;
import dev.godwit.orchestrator.state.ControlSchema;
import dev.godwit.orchestrator.state.Phase;
import dev.godwit.orchestrator.state.TaskStore;
import dev.godwit.workers.catalog.SourceCatalog;
import dev.godwit.workers.catalog.Table;
import dev.godwit.workers.catalog.TableKind;
import dev.godwit.workers.copy.CopyUnit;
import dev.godwit.workers.pg.ExportedSnapshot;
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
import java.lang.management.ManagementFactory;
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
import java.util.stream.Collectors;

/**
 * Runs a task as a numbered list of steps that the log repeats. Every step records its outcome in the control schema
 * before the next begins, so {@link #resume} can pick up after a crash at any point.
 */
public final class MigrationRunner {
    private static final Logger log = LoggerFactory.getLogger(MigrationRunner.class);
    private static final int STEPS = 6;

    private final Task task;
    private final PgConnector source;
    private final PgConnector target;
    private final ControlSchema control;
    private final TaskStore store;
    private final PrintWriter out;

    public MigrationRunner(Task task, PrintWriter out) {
        this.task = task;
        this.source = new PgConnector("source", task.source());
        this.target = new PgConnector("target", task.target());
        this.control = new ControlSchema(task.settings().controlSchema());
        this.store = new TaskStore(control, task.name());
        this.out = out;
    }

    /** A new run: refuses when the task already has state (that is what resume is for). */
    public void start() throws Exception {
        requireFullLoadOnly();
        step(1, "plan: reading the source catalog of " + task.source().redacted());
        Planned planned = plan();
        step(2, "control schema " + control.name() + " on " + task.target().redacted());
        try (Connection t = target.open("control")) {
            control.install(t);
            Optional<TaskStore.TaskRow> existing = store.find(t);
            if (existing.isPresent()) {
                refuseIfRunning(existing.get());
                throw new GodwitException(ExitCodes.BAD_INPUT, "task '" + task.name() + "' already has state in "
                        + control.name() + " on the target (phase " + existing.get().phase() + "): use 'godwit resume "
                        + task.file() + "' to continue it, or 'godwit cleanup --all' to start over");
            }
            recordPlan(t, planned.plan());
        }
        try (StopSignal stop = new StopSignal(target, store, owner())) {
            createSchema(planned);
            load(planned, stop);
        }
    }

    private void refuseIfRunning(TaskStore.TaskRow row) {
        if (row.ownerAlive() && !owner().equals(row.owner())) {
            throw new GodwitException(ExitCodes.BAD_INPUT, "task '" + task.name() + "' is running in process " + row.owner()
                    + " (started " + row.createdAt() + ", phase " + row.phase() + "); use 'godwit stop " + task.file()
                    + "' to stop it, or 'godwit status' to watch it");
        }
    }

    /** Continues from the recorded state, whatever step a stop or crash interrupted. */
    public void resume() throws Exception {
        requireFullLoadOnly();
        TaskStore.TaskRow row;
        try (Connection t = target.open("control")) {
            control.install(t);
            row = store.find(t).orElseThrow(() -> new GodwitException(ExitCodes.BAD_INPUT, "task '" + task.name()
                    + "' has no state in " + control.name() + " on the target: use 'godwit start " + task.file() + "'"));
        }
        refuseIfRunning(row);
        try (Connection t = target.open("control")) {
            store.setDesiredState(t, "run");
            store.setOwner(t, owner());
        }
        log.info("resuming task {} from phase {}", task.name(), row.phase());
        if (row.phase() == Phase.DONE || row.phase() == Phase.FULL_LOAD_DONE) {
            out.println("Task " + task.name() + " has nothing left to do: the full load is complete.");
            out.flush();
            return;
        }
        step(1, "plan: reading the source catalog of " + task.source().redacted());
        Planned planned = plan();
        step(2, "control schema " + control.name() + ": task recorded, phase " + row.phase());
        try (StopSignal stop = new StopSignal(target, store, owner())) {
            if (row.phase() == Phase.PLANNED) {
                createSchema(planned);
            } else {
                step(3, "target schema: already created");
            }
            load(planned, stop);
        }
    }

    private void requireFullLoadOnly() {
        if (task.type() != MigrationType.FULL_LOAD) {
            throw new GodwitException(ExitCodes.FAILED, "task type '" + task.type().spelling() + "' needs change data "
                    + "capture, which this version of godwit does not have yet; nothing was created. Use 'type: full-load'"
                    + " for a one-time copy, or 'godwit plan' to see what a run would do.");
        }
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
                    options = options.withRangeBounds(t.mapping().targetSchema() + "." + t.mapping().targetName(),
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
                store.addTable(t, key(table), table.source().schema() + "." + table.source().name());
            }
            int ordinal = 0;
            for (Plan.ScheduledUnit u : plan.schedule()) {
                CopyUnit unit = u.unit();
                store.addUnit(t, unit.id(), key(u.table()), SqlText.qualified(unit.sourceSchema(), unit.sourceName()),
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
                throw new GodwitException(ExitCodes.BAD_INPUT, "the target schema does not fit the mappings ("
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

    private void load(Planned planned, StopSignal stop) throws Exception {
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
        plan.tables().forEach(t -> copies.put(key(t), TableCopy.of(t)));

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
        try (ExportedSnapshot snapshot = ExportedSnapshot.export(source)) {
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
            return;
        }
        log.info("full load: {}", progress.line());
        step(6, "foreign keys, sequences, report");
        try (Connection s = source.open("sequences"); Connection t = target.open("finish")) {
            t.setAutoCommit(false);
            ScriptRunner.run(t, foreignKeys);
            List<SequenceSync.Synced> sequences = new SequenceSync().sync(s, t, plan.tables());
            store.setPhase(t, Phase.DONE);
            store.event(t, "INFO", "full load", "done: " + progress.line());
            t.commit();
            log.info("{} foreign keys created, {} sequences set", foreignKeys.size(), sequences.size());
            new LoadReport(store).print(t, out, progress);
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

    static String key(PlannedTable t) {
        return t.mapping().targetSchema() + "." + t.mapping().targetName();
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
        return ManagementFactory.getRuntimeMXBean().getName();
    }

    private static void step(int n, String what) {
        log.info("STEP {}/{} {}", n, STEPS, what);
    }
}
