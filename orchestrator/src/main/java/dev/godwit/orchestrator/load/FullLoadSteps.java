package dev.godwit.orchestrator.load;

import dev.godwit.mappings.sql.SqlText;
import dev.godwit.mappings.task.TargetTablePrepMode;
import dev.godwit.mappings.task.Task;
import dev.godwit.orchestrator.failure.FailureKind;
import dev.godwit.orchestrator.failure.GodwitException;
import dev.godwit.orchestrator.plan.Parallelism;
import dev.godwit.orchestrator.plan.SchemaPlan;
import dev.godwit.orchestrator.state.ControlSchema;
import dev.godwit.orchestrator.state.Phase;
import dev.godwit.orchestrator.state.TableState;
import dev.godwit.orchestrator.state.TaskStore;
import dev.godwit.orchestrator.validate.AutoValidation;
import dev.godwit.workers.pg.PgConnector;
import dev.godwit.workers.schema.SchemaScript;
import dev.godwit.workers.schema.ScriptRunner;
import dev.godwit.workers.schema.TargetPrep;
import dev.godwit.workers.schema.TargetTableSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * The full-load steps of one run: the target schema, the snapshot, the copy and the finish (foreign keys, sequences,
 * the report). Each records its outcome in the control schema before the next begins, so a resume picks up after a
 * crash at any point. Holds the snapshot between the snapshot step and the end of the copy; close it when the run
 * ends.
 */
public final class FullLoadSteps implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FullLoadSteps.class);

    private final Task task;
    private final PgConnector source;
    private final PgConnector target;
    private final ControlSchema control;
    private final TaskStore store;
    private final SchemaPlan planned;
    private final PrintWriter out;
    private final SchemaScript script;
    private final Map<String, TableCopy> copies = new LinkedHashMap<>();

    private LoadSnapshot snapshot;
    private List<TaskStore.UnitRow> ledger;
    private List<String> notReady;
    private LoadProgress progress;

    public FullLoadSteps(Task task, PgConnector source, PgConnector target, ControlSchema control, TaskStore store,
                         SchemaPlan planned, PrintWriter out) {
        this.task = task;
        this.source = source;
        this.target = target;
        this.control = control;
        this.store = store;
        this.planned = planned;
        this.out = out;
        this.script = planned.script();
        planned.plan().tables().forEach(t -> copies.put(t.mapping().targetKey(), TableCopy.of(t)));
    }

    /** Pre-data in one target transaction with the phase change: the schema is either wholly there or not at all. */
    public void createSchema() throws SQLException {
        TargetTablePrepMode mode = task.settings().targetTablePrepMode();
        log.info("target schema: prepared as {}", mode);
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

    /**
     * Reads the ledger, copies again from scratch every table a crash interrupted between its units (its first units
     * were copied under a snapshot that is gone), and takes the snapshot the copy imports.
     */
    public void snapshot() throws SQLException {
        try (Connection t = target.open("control")) {
            t.setAutoCommit(false);
            repairInterruptedTables(t);
            store.setPhase(t, Phase.FULL_LOAD);
            t.commit();
            ledger = store.units(t);
            notReady = store.tables(t).stream().filter(r -> r.state() != TableState.READY)
                    .map(TaskStore.TableRow::tableKey).toList();
            t.setAutoCommit(true);
        }
        List<TaskStore.UnitRow> pending = ledger.stream().filter(u -> !u.done()).toList();
        long pendingBytes = pending.stream().mapToLong(TaskStore.UnitRow::estimatedBytes).sum();
        progress = new LoadProgress(ledger.size(), pendingBytes, copies.size(), ledger.size() - pending.size());
        Set<String> tablesToCopy = pending.stream().map(TaskStore.UnitRow::tableKey)
                .collect(Collectors.toCollection(TreeSet::new));
        log.info("snapshot: {} of {} units to copy", pending.size(), ledger.size());
        snapshot = LoadSnapshot.take(task, source, target, store, planned.plan(), !pending.isEmpty(), tablesToCopy);
    }

    private void repairInterruptedTables(Connection t) throws SQLException {
        Map<String, List<TaskStore.UnitRow>> byTable = store.units(t).stream()
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
    }

    /**
     * Copies every pending unit under the snapshot and readies each table as its last unit lands, then lets the
     * snapshot go.
     *
     * @param paused while true, no new unit is taken (the slot governor's {@code pause-load})
     * @return false when a stop was asked for: the units in progress were committed, the rest wait for a resume
     */
    public boolean copy(BooleanSupplier stopRequested, BooleanSupplier paused) throws Exception {
        int parallelism = Parallelism.of(task.settings());
        Map<String, SchemaScript.Group> postData = new HashMap<>();
        for (SchemaScript.Group g : script.postData()) {
            if (g.phase() == SchemaScript.TABLE_PHASE) {
                postData.put(targetKeyOf(g), g);
            }
        }
        log.info("full load: {} units, {} at a time, snapshot {}", ledger.stream().filter(u -> !u.done()).count(),
                parallelism, snapshot.name());
        try (LoadSnapshot held = snapshot; ProgressDisplay display = new ProgressDisplay(progress)) {
            new FullLoad(source, target, store, copies, postData, parallelism,
                    task.settings().targetTablePrepMode() == TargetTablePrepMode.DROP_AND_CREATE)
                    .run(held.name(), progress, ledger, notReady, stopRequested, paused);
        } finally {
            snapshot = null;
        }
        if (stopRequested.getAsBoolean()) {
            log.info("full load stopped after committing the units in progress: {}", progress.line());
            return false;
        }
        log.info("full load: {}", progress.line());
        return true;
    }

    /** The line a stop records: how far the copy got. */
    public String progressLine() {
        return progress == null ? "not started" : progress.line();
    }

    /**
     * The post-data phases after the tables' own, in order (foreign keys, views, triggers, rules and row-level
     * security, materialized view refreshes), sequences, the phase and the report, in one target transaction; for a
     * full-load task, the automatic validation.
     */
    public void finish() throws SQLException {
        List<SchemaScript.Group> groups = script.postData().stream()
                .filter(g -> g.phase() > SchemaScript.TABLE_PHASE).toList();
        try (Connection s = source.open("sequences"); Connection t = target.open("finish")) {
            boolean fallback = TargetBehaviour.needsFallback(task, t);
            t.setAutoCommit(false);
            ScriptRunner.run(t, TargetBehaviour.finishStatements(script, fallback));
            if (fallback) {
                List<String> silenced = new TargetBehaviour().silence(t, planned);
                log.warn("the target role may not set session_replication_role: {} trigger(s) and rule(s) of the target"
                        + " tables are disabled and the foreign keys with an ON UPDATE/ON DELETE action left out while"
                        + " changes stream; the cutover switches them on as on the source{}", silenced.size(),
                        silenced.isEmpty() ? "" : " (" + String.join(", ", silenced) + ")");
            }
            new LargeObjects().sync(s, t, planned).ifPresent(r -> log.info("{}", r.line()));
            SequenceSync.Result sequences = new SequenceSync().sync(s, t, planned);
            store.setPhase(t, task.type().hasCdc() ? Phase.FULL_LOAD_DONE : Phase.DONE);
            store.event(t, "INFO", "full load", "done: " + progressLine());
            t.commit();
            groups.forEach(g -> log.info("{}: {} statements", g.name(), g.statements().size()));
            log.info("{} sequences set", sequences.set().size());
            sequences.missed().forEach(m -> log.warn("sequence not set: {}", m));
            new LoadReport(store).print(t, out, progress);
        }
        if (!task.type().hasCdc()) {
            AutoValidation.afterFullLoad(task, source, target, control, out);
        }
    }

    private String targetKeyOf(SchemaScript.Group g) {
        for (TargetTableSpec s : planned.specs()) {
            if (g.name().equals(SqlText.qualified(s.mapping().targetSchema(), s.mapping().targetName()))
                    || g.name().equals(s.targetKey())) {
                return s.targetKey();
            }
        }
        return g.name();
    }

    @Override
    public void close() throws Exception {
        if (snapshot != null) {
            snapshot.close();
            snapshot = null;
        }
    }
}
