package dev.godwit.orchestrator.run;

import dev.godwit.mappings.sql.SqlText;
import dev.godwit.mappings.task.Task;
import dev.godwit.orchestrator.cdc.CdcObserver;
import dev.godwit.orchestrator.cdc.SlotGovernor;
import dev.godwit.orchestrator.cdc.TaskTables;
import dev.godwit.orchestrator.cutover.CutoverLedger;
import dev.godwit.orchestrator.cutover.CutoverReport;
import dev.godwit.orchestrator.fallback.FallbackLedger;
import dev.godwit.orchestrator.fallback.ReverseStream;
import dev.godwit.orchestrator.failure.FailureKind;
import dev.godwit.orchestrator.failure.GodwitException;
import dev.godwit.orchestrator.load.FullLoadSteps;
import dev.godwit.orchestrator.scaleout.ClusterDispatch;
import dev.godwit.orchestrator.plan.Counts;
import dev.godwit.orchestrator.plan.MigrationStep;
import dev.godwit.orchestrator.plan.Parallelism;
import dev.godwit.orchestrator.plan.Plan;
import dev.godwit.orchestrator.plan.PlannedTable;
import dev.godwit.orchestrator.plan.SchemaPlan;
import dev.godwit.orchestrator.preflight.Preflight;
import dev.godwit.orchestrator.preflight.PreflightContext;
import dev.godwit.orchestrator.preflight.PreflightPrinter;
import dev.godwit.orchestrator.preflight.PreflightReport;
import dev.godwit.orchestrator.state.ControlSchema;
import dev.godwit.orchestrator.state.DesiredState;
import dev.godwit.orchestrator.state.Owners;
import dev.godwit.orchestrator.state.Phase;
import dev.godwit.orchestrator.state.TaskStore;
import dev.godwit.workers.copy.CopyUnit;
import dev.godwit.workers.pg.PgConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static dev.godwit.orchestrator.run.StepLoop.Step;

/**
 * Runs a task as the list of steps of {@link MigrationStep}, numbered and logged by one {@link StepLoop}: {@code start}
 * from the beginning, {@code resume} from the recorded phase (steps an earlier run finished are logged as done), and a
 * {@code cutover} with no process running the task (plan, then the stream up to the cutover). Every step records its
 * outcome in the control schema before the next begins, so a resume picks up after a crash at any point.
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
    private final CdcObserver cdcObserver;
    private final Optional<ClusterDispatch.Distribution> distribution;

    public MigrationRunner(Task task, PrintWriter out) {
        this(task, out, CdcObserver.none());
    }

    /** @param cdcObserver told of the CDC phase's target commits and reconnects (the metrics, when served) */
    public MigrationRunner(Task task, PrintWriter out, CdcObserver cdcObserver) {
        this(task, out, cdcObserver, Optional.empty());
    }

    /** @param distribution when present, the full load's units are handed to worker processes (docs/scale-out.md) */
    public MigrationRunner(Task task, PrintWriter out, CdcObserver cdcObserver,
                           Optional<ClusterDispatch.Distribution> distribution) {
        this.distribution = distribution;
        this.task = task;
        this.source = new PgConnector("source", task.source()).waitingForRestarts();
        this.target = new PgConnector("target", task.target()).waitingForRestarts();
        this.control = new ControlSchema(task.settings().controlSchema());
        this.store = new TaskStore(control, task.name());
        this.cutovers = new CutoverLedger(control, task.name());
        this.out = out;
        this.cdcObserver = cdcObserver;
    }

    /** What one run knows as it goes: the plan once read, the stop signal once the task is claimed. */
    private final class Run implements AutoCloseable {
        final Phase phase;
        final boolean positioned;
        SchemaPlan planned;
        StopSignal stop;
        SlotGovernor governor;
        FullLoadSteps load;
        Optional<CutoverReport> cutover = Optional.empty();

        Run(Phase phase, boolean positioned) {
            this.phase = phase;
            this.positioned = positioned;
        }

        void claimed() {
            stop = new StopSignal(target, store, cutovers, Owners.self(), task.settings().cdc().stopAt());
            governor = SlotGovernor.watch(task, source, target, store, stop::end);
        }

        FullLoadSteps load() {
            if (load == null) {
                load = new FullLoadSteps(task, source, target, control, store, planned, out, distribution.map(d ->
                        ClusterDispatch.opener(task.name(), control, source, target, d)));
            }
            return load;
        }

        boolean loaded() {
            return phase == Phase.FULL_LOAD_DONE || phase == Phase.CDC || !task.type().hasFullLoad();
        }

        @Override
        public void close() throws Exception {
            // closed in reverse: the slot governor last, so that a slot it is to drop is no longer streamed from
            try (SlotGovernor g = governor; StopSignal s = stop; FullLoadSteps l = load) {
                // each lets go of what it holds (the watches, a snapshot still open after a failure)
            }
        }
    }

    /** A new run: refuses when the task already has state (that is what resume is for). */
    public void start() throws Exception {
        recorded(this::startRun);
    }

    private void startRun() throws Exception {
        // before preflight, whose findings (target tables that "will be DROPPED") are for a run that would not happen
        try (Connection t = target.open("control")) {
            if (control.exists(t)) {
                refuseIfStarted(t);
            }
        }
        try (Run run = new Run(Phase.PLANNED, false)) {
            Map<MigrationStep, Step> steps = new EnumMap<>(MigrationStep.class);
            steps.put(MigrationStep.PLAN, Step.run(() -> {
                plan(run);
                preflight(run.planned.plan());
                return true;
            }));
            steps.put(MigrationStep.CONTROL_SCHEMA, Step.run(() -> {
                try (Connection t = target.open("control")) {
                    control.install(t);
                    refuseIfStarted(t); // again: another start may have recorded the task since
                    recordPlan(t, run.planned.plan());
                }
                run.claimed();
                return true;
            }));
            runSteps(run, steps, false);
        }
    }

    /** Continues from the recorded state, whatever step a stop or crash interrupted. */
    public void resume() throws Exception {
        recorded(this::resumeRun);
    }

    private void resumeRun() throws Exception {
        TaskStore.TaskRow row;
        try (Connection t = target.open("control")) {
            control.install(t);
            row = store.find(t).orElseThrow(() -> new GodwitException(FailureKind.BAD_INPUT, "task '" + task.name()
                    + "' has no state in " + control.name() + " on the target: use 'godwit start " + task.file() + "'"));
            refuseIfRunning(row);
            noteUnreleased(t, row);
            store.setDesiredState(t, DesiredState.RUN);
            store.setOwner(t, Owners.self());
            store.setJoinInfo(t, task.source().redacted(), Parallelism.of(task.settings()));
        }
        log.info("resuming task {} from phase {}", task.name(), row.phase());
        if (row.phase() == Phase.CUT_OVER && streamsBack()) {
            try (Run run = new Run(row.phase(), true);
                 StopSignal stop = new StopSignal(target, store, cutovers, Owners.self(), Optional.empty())) {
                plan(run);
                keepRecordedTables(run);
                streamBack(run.planned, stop);
            }
            return;
        }
        if (row.phase() == Phase.DONE || row.phase() == Phase.CUT_OVER || row.phase() == Phase.FALLEN_BACK) {
            out.println("Task " + task.name() + " has nothing left to do (phase " + row.phase() + ").");
            out.flush();
            return;
        }
        try (Run run = new Run(row.phase(), row.consistentPoint().isPresent())) {
            runSteps(run, claimedSteps(run), false);
        }
    }

    /**
     * A cutover when no process runs the task: this process claims it, streams from the checkpoint, and performs the
     * cutover; it ends with the cutover, done or not (a failed one leaves the task as it was, ready to resume).
     */
    public CutoverReport cutover(boolean fence, boolean acceptDifferences) throws Exception {
        return cutover(fence, acceptDifferences, false);
    }

    /**
     * As {@link #cutover(boolean, boolean)}, with a fallback or not; the reverse stream of a fallback is left to
     * 'godwit resume', this run ending with the cutover.
     */
    public CutoverReport cutover(boolean fence, boolean acceptDifferences, boolean withFallback) throws Exception {
        CutoverReport[] report = new CutoverReport[1];
        recorded(() -> report[0] = cutoverRun(fence, acceptDifferences, withFallback));
        return report[0];
    }

    private CutoverReport cutoverRun(boolean fence, boolean acceptDifferences, boolean withFallback) throws Exception {
        TaskStore.TaskRow row;
        try (Connection t = target.open("control")) {
            row = store.find(t).orElseThrow();
            refuseIfRunning(row);
            noteUnreleased(t, row);
            store.setDesiredState(t, DesiredState.RUN); // a stop recorded earlier was for the run that ended
            store.setOwner(t, Owners.self());
            cutovers.request(t, "command", fence, acceptDifferences, withFallback);
        }
        try (Run run = new Run(row.phase(), row.consistentPoint().isPresent())) {
            runSteps(run, claimedSteps(run), true);
            return run.cutover.orElseThrow(() -> new GodwitException(FailureKind.FAILED,
                    "the cutover did not run: the task was stopped first (" + run.stop.reason() + ")"));
        }
    }

    /** The first steps of a run of a task that is recorded and now claimed by this process: the plan is read again. */
    private Map<MigrationStep, Step> claimedSteps(Run run) {
        run.claimed();
        Map<MigrationStep, Step> steps = new EnumMap<>(MigrationStep.class);
        steps.put(MigrationStep.PLAN, Step.run(() -> {
            plan(run);
            keepRecordedTables(run);
            return true;
        }));
        steps.put(MigrationStep.CONTROL_SCHEMA, Step.when(false, "task recorded, phase " + run.phase, () -> true));
        return steps;
    }

    /**
     * The steps after the control schema, the same for every kind of run: each applies when the recorded phase says
     * it is still to do.
     */
    private void runSteps(Run run, Map<MigrationStep, Step> steps, boolean cutoverOnly) throws Exception {
        String loadedBefore = "done by an earlier run (phase " + run.phase + ")";
        boolean load = !run.loaded() && !cutoverOnly;
        steps.put(MigrationStep.TARGET_SCHEMA, Step.when(load && run.phase == Phase.PLANNED, loadedBefore, () -> {
            run.load().createSchema();
            return true;
        }));
        steps.put(MigrationStep.SNAPSHOT, Step.when(load, loadedBefore, () -> {
            run.load().snapshot();
            return true;
        }));
        steps.put(MigrationStep.FULL_LOAD, Step.when(load, loadedBefore, () -> {
            if (run.load().copy(run.stop::requested, run.governor::loadPaused)) {
                return true;
            }
            stopped(run, "full load", run.load().progressLine());
            return false;
        }));
        steps.put(MigrationStep.FINISH_LOAD, Step.when(load, loadedBefore, () -> {
            run.load().finish();
            return true;
        }));
        CdcRun cdc = new CdcRun(task, source, target, control, store, out, cdcObserver);
        steps.put(MigrationStep.SLOT_POSITION, Step.when(!run.positioned && !cutoverOnly,
                "the task's position in slot " + task.settings().slotName() + " is recorded", () -> {
                    cdc.slotPosition(run.planned.plan());
                    return true;
                }));
        steps.put(MigrationStep.CDC, Step.run(() -> {
            run.cutover = cdc.stream(run.planned, run.stop, cutoverOnly);
            if (run.cutover.isEmpty()) {
                stopped(run, "cdc", "at the checkpoint");
            } else if (run.cutover.get().done() && !cutoverOnly && streamsBack()) {
                streamBack(run.planned, run.stop); // the same process carries the new primary's writes back
            } else if (run.cutover.get().done()) {
                recordEnd("INFO", "ended with the cutover, done at "
                        + run.cutover.get().finalLsn().map(Object::toString).orElse("?"));
            } else if (cutoverOnly) {
                recordEnd("WARN", "ended with a cutover that was not done: " + run.cutover.get().failure().orElse("?")
                        + ". No process streams changes now; 'godwit resume " + task.file() + "' continues CDC");
            }
            return true;
        }));
        boolean ran;
        try {
            ran = new StepLoop(task.type(), target, control, store).run(steps);
        } catch (Exception e) {
            throw run.governor == null ? e : run.governor.failureOr(e);
        }
        if (ran && !task.type().hasCdc()) {
            recordEnd("INFO", "ended: the full load is done");
        }
    }

    /** Whether a cutover with fallback left a reverse stream to run. */
    private boolean streamsBack() throws SQLException {
        try (Connection t = target.open("control")) {
            return new FallbackLedger(control, task.name()).streams(t);
        }
    }

    /**
     * After a cutover with fallback: the new primary's changes go back to the source until the run is stopped (by
     * 'godwit stop' or 'godwit fallback', which takes the stream over for its final catch-up).
     */
    private void streamBack(SchemaPlan planned, StopSignal stop) throws Exception {
        ReverseStream stream;
        try (Connection t = target.open("control")) {
            stream = ReverseStream.forTask(task, source, target, control, planned.plan().tables(), t).orElseThrow();
            store.event(t, "INFO", "fallback", "the reverse stream carries the target's changes to the source");
        }
        out.println("Cut over with fallback: the target's changes stream back to the source until 'godwit fallback "
                + task.file() + "' or 'godwit stop'.");
        out.flush();
        stream.run(stop::requested, Optional.empty());
        try (Connection t = target.open("control")) {
            store.event(t, "INFO", TaskStore.RUN_STEP, "the reverse stream stopped (" + stop.reason() + "); 'godwit"
                    + " resume " + task.file() + "' continues it, 'godwit fallback " + task.file() + "' switches back");
        }
    }

    /**
     * Runs one kind of run and records how it ended when it failed, so that {@code godwit status} on any machine
     * says why, and how to go on.
     */
    private void recorded(RunBody run) throws Exception {
        try {
            run.run();
        } catch (Exception e) {
            String kind = e instanceof GodwitException g ? g.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                    : "failed";
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().replace('\n', ' ').strip();
            // a lost slot cannot be resumed from: its message says how to start again
            boolean resumable = !(e instanceof GodwitException g && g.kind() == FailureKind.SLOT_LOST);
            recordEnd("ERROR", "ended by an error (" + kind + "): " + (why.endsWith(".") ? why.substring(0, why.length() - 1)
                    : why) + (resumable ? ". Once the cause is fixed: godwit resume " + task.file() : ""));
            throw e;
        }
    }

    @FunctionalInterface
    private interface RunBody {
        void run() throws Exception;
    }

    /** An event of the {@link TaskStore#RUN_STEP} step, once the task is recorded; a failure to record it is logged. */
    private void recordEnd(String level, String message) {
        try (Connection t = target.open("control")) {
            if (control.exists(t) && store.find(t).isPresent()) {
                store.event(t, level, TaskStore.RUN_STEP, message);
            }
        } catch (SQLException | RuntimeException e) {
            log.debug("could not record how the run ended", e);
        }
    }

    /** A run that finds its predecessor gone without a word records it: that run was killed or crashed. */
    private void noteUnreleased(Connection t, TaskStore.TaskRow row) throws SQLException {
        if (Owners.endedUnreleased(row)) {
            String message = "the run of " + row.owner() + " ended without a word (killed, crashed, or its machine lost)"
                    + " in phase " + row.phase() + "; this run continues from what it recorded";
            log.warn(message);
            store.event(t, "WARN", TaskStore.RUN_STEP, message);
        }
    }

    private void stopped(Run run, String where, String progress) throws SQLException {
        if (run.governor != null && run.governor.failure().isPresent()) {
            throw run.governor.failure().get(); // the governor stopped the run: it ends as a failure, not a stop
        }
        try (Connection t = target.open("control")) {
            store.event(t, "INFO", TaskStore.RUN_STEP, "stopped in " + where + " (" + run.stop.reason() + "): " + progress
                    + "; 'godwit resume " + task.file() + "' continues it");
        }
        log.info("{} stopped ({}): {}", where, run.stop.reason(), progress);
        out.println("Stopped. 'godwit resume " + task.file() + "' continues where this run left off.");
        out.flush();
    }

    private void plan(Run run) throws SQLException {
        log.info("plan: reading the source catalog of {}", task.source().redacted());
        try (Connection c = source.open("plan")) {
            run.planned = SchemaPlan.read(task, c);
        }
        Plan plan = run.planned.plan();
        log.info("plan: {}, {}, {}", Counts.of(plan.tables().size(), "table"),
                Counts.of(plan.schedule().size(), "copy unit"),
                plan.tables().stream().allMatch(PlannedTable::rowsKnown) ? "~" + plan.estimatedRows() + " rows"
                        : "rows unknown (tables not analysed)");
        plan.warnings().forEach(w -> log.warn("plan: {}", w));
    }

    /**
     * A recorded task goes on with its own tables: a table the selection rules match that was created on the source
     * since the task was planned is not in its schema, units or publication. While changes stream it joins the task
     * (created, published and copied under its own sync position: see cdc/NewTables); a full-load-only task leaves it.
     */
    private void keepRecordedTables(Run run) throws SQLException {
        Set<String> recorded;
        try (Connection t = target.open("control")) {
            recorded = store.tableKeys(t);
        }
        List<PlannedTable> newcomers = run.planned.tablesBeyond(recorded);
        if (newcomers.isEmpty()) {
            return;
        }
        log.info("plan: {} matched by the selection rules since the task was planned: {}",
                Counts.of(newcomers.size(), "table"), newcomers.stream().map(t -> t.mapping().targetKey()).toList()
                        + (task.type().hasCdc() ? "; they join the task while changes stream"
                        : "; a full-load task keeps the tables it was planned with"));
        run.planned = run.planned.restrictedTo(recorded);
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

    private void recordPlan(Connection t, Plan plan) throws SQLException {
        t.setAutoCommit(false);
        try {
            store.create(t, task.type().spelling(), task.settings().slotName(), task.settings().publicationName(),
                    Owners.self());
            store.setJoinInfo(t, task.source().redacted(), Parallelism.of(task.settings()));
            TaskTables.record(t, control, task.name(), plan.tables());
            int ordinal = 0;
            for (Plan.ScheduledUnit u : plan.schedule()) {
                CopyUnit unit = u.unit();
                store.addUnit(t, unit.id(), u.table().mapping().targetKey(),
                        SqlText.qualified(unit.sourceSchema(), unit.sourceName()), unit.kind().name(),
                        unit.rangePredicate().orElse(null), unit.estimatedBytes(), ordinal++);
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
}
