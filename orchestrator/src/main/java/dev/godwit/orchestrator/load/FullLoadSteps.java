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
import dev.godwit.orchestrator.state.UnitLeases;
import dev.godwit.orchestrator.validate.AutoValidation;
import dev.godwit.workers.pg.Lsn;
import dev.godwit.workers.pg.ReplicaMode;
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
import java.util.Optional;
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
    /** Copies of one table under ever newer snapshots before the run gives up on a table rewritten again and again. */
    private static final int MAX_COPIES_AFTER_REWRITE = 3;

    private final Task task;
    private final PgConnector source;
    private final PgConnector target;
    private final ControlSchema control;
    private final TaskStore store;
    private final SchemaPlan planned;
    private final PrintWriter out;
    private final SchemaScript script;
    private final Map<String, TableCopy> copies = new LinkedHashMap<>();
    private final Optional<UnitDispatch.Opener> dispatch;

    private LoadSnapshot snapshot;
    private List<TaskStore.UnitRow> ledger;
    private List<String> notReady;
    private LoadProgress progress;

    public FullLoadSteps(Task task, PgConnector source, PgConnector target, ControlSchema control, TaskStore store,
                         SchemaPlan planned, PrintWriter out) {
        this(task, source, target, control, store, planned, out, Optional.empty());
    }

    /**
     * @param dispatch when present, the units are handed to worker processes through it (docs/scale-out.md) instead of
     *                 being copied by this process's threads; tables rewritten during the load are still copied again
     *                 here
     */
    public FullLoadSteps(Task task, PgConnector source, PgConnector target, ControlSchema control, TaskStore store,
                         SchemaPlan planned, PrintWriter out, Optional<UnitDispatch.Opener> dispatch) {
        this.dispatch = dispatch;
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
            new UnitLeases(control, task.name()).newRun(t);
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
     * snapshot go. A table rewritten on the source after the snapshot is then copied again under a newer one.
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
        try (ProgressDisplay display = new ProgressDisplay(progress)) {
            Set<String> rewritten;
            try (LoadSnapshot held = snapshot) {
                FullLoad load = fullLoad(copies, postData, parallelism);
                if (dispatch.isPresent() && held.name() != null) {
                    try (UnitDispatch d = dispatch.get().open()) {
                        rewritten = load.runDispatched(d, held.name(), progress, ledger, notReady, stopRequested,
                                paused);
                    }
                } else {
                    rewritten = load.run(held.name(), progress, ledger, notReady, stopRequested, paused);
                }
            } finally {
                snapshot = null;
            }
            for (int round = 1; !rewritten.isEmpty() && !stopRequested.getAsBoolean(); round++) {
                if (round > MAX_COPIES_AFTER_REWRITE) {
                    throw new GodwitException(FailureKind.FAILED, "table(s) " + String.join(", ", rewritten)
                            + " rewritten on the source (TRUNCATE or ALTER TABLE) during each of "
                            + MAX_COPIES_AFTER_REWRITE + " copies under a new snapshot; once whatever truncates or"
                            + " alters them has stopped, godwit resume copies them again");
                }
                rewritten = copyAgain(rewritten, postData, parallelism, stopRequested, paused);
            }
        }
        if (stopRequested.getAsBoolean()) {
            log.info("full load stopped after committing the units in progress: {}", progress.line());
            return false;
        }
        log.info("full load: {}", progress.line());
        return true;
    }

    private FullLoad fullLoad(Map<String, TableCopy> tables, Map<String, SchemaScript.Group> postData, int parallelism) {
        return new FullLoad(source, target, store, tables, postData, parallelism,
                task.settings().targetTablePrepMode() == TargetTablePrepMode.DROP_AND_CREATE);
    }

    /**
     * Copies tables rewritten on the source after the load's snapshot again, whole, under a snapshot taken now (the
     * rewrite committed before the unit that found it ended). In one target transaction each table's rows are
     * truncated, its units reset, and, for a CDC task, the new snapshot's LSN recorded as its sync position: the
     * changes up to there (those of the old rows, the TRUNCATE itself) are in the copy or gone with it, and the
     * applier skips them. A crash after that transaction leaves pending units, which a resume copies under a
     * snapshot of its own, with a sync position of its own.
     *
     * @return the tables rewritten once more, after this snapshot
     */
    private Set<String> copyAgain(Set<String> tables, Map<String, SchemaScript.Group> postData, int parallelism,
                                  BooleanSupplier stopRequested, BooleanSupplier paused) throws Exception {
        try (LoadSnapshot again = LoadSnapshot.fresh(task, source)) {
            String at = again.position().map(l -> " at LSN " + l).orElse("");
            List<TaskStore.UnitRow> units;
            try (Connection t = target.open("control")) {
                // a kept table another kept table's foreign key points at is emptied by DELETE (TargetEmptying)
                ReplicaMode.enable(t);
                t.setAutoCommit(false);
                List<TaskStore.UnitRow> before = store.units(t).stream()
                        .filter(u -> tables.contains(u.tableKey())).toList();
                TargetEmptying.empty(t, tables.stream().map(copies::get).toList());
                for (String key : tables) {
                    store.resetTable(t, key);
                    Optional<Lsn> position = again.position();
                    if (position.isPresent()) {
                        store.setSyncLsn(t, key, position.get());
                    }
                    String what = "table " + key + " was rewritten on the source (TRUNCATE or ALTER TABLE) after the"
                            + " load's snapshot; copied again under a new snapshot" + at;
                    store.event(t, "WARN", "full load", what);
                    log.warn("{}", what);
                }
                t.commit();
                units = store.units(t).stream().filter(u -> tables.contains(u.tableKey())).toList();
                List<TaskStore.UnitRow> undone = before.stream().filter(TaskStore.UnitRow::done).toList();
                progress.unitsCopiedAgain(undone.size(), undone.stream().mapToLong(TaskStore.UnitRow::rows).sum());
            }
            Map<String, TableCopy> inText = new LinkedHashMap<>(copies);
            tables.forEach(key -> inText.put(key, copies.get(key).inTextFormat()));
            return fullLoad(inText, postData, parallelism).run(again.name(), progress, units, List.of(),
                    stopRequested, paused);
        }
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
            List<SchemaScript.Statement> finishing = TargetBehaviour.finishStatements(script, fallback);
            ScriptRunner.run(t, task.settings().targetTablePrepMode() == TargetTablePrepMode.DROP_AND_CREATE
                    ? finishing : KeptForeignKeys.leftOut(t, finishing));
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
