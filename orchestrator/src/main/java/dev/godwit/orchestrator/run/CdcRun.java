package dev.godwit.orchestrator.run;

import dev.godwit.mappings.task.Task;
import dev.godwit.orchestrator.cdc.CdcObserver;
import dev.godwit.orchestrator.cdc.CdcPhase;
import dev.godwit.orchestrator.cdc.Publications;
import dev.godwit.orchestrator.cutover.Cutover;
import dev.godwit.orchestrator.cutover.CutoverPrinter;
import dev.godwit.orchestrator.cutover.CutoverReport;
import dev.godwit.orchestrator.cutover.CutoverRequest;
import dev.godwit.orchestrator.cutover.CutoverSchedule;
import dev.godwit.orchestrator.failure.FailureKind;
import dev.godwit.orchestrator.fallback.FallbackSetup;
import dev.godwit.orchestrator.failure.GodwitException;
import dev.godwit.orchestrator.load.IdentityColumns;
import dev.godwit.orchestrator.load.LargeObjects;
import dev.godwit.orchestrator.load.SequenceSync;
import dev.godwit.orchestrator.load.TargetBehaviour;
import dev.godwit.orchestrator.load.UnloggedRecopy;
import dev.godwit.orchestrator.plan.Plan;
import dev.godwit.orchestrator.plan.SchemaPlan;
import dev.godwit.orchestrator.state.ControlApplyExceptions;
import dev.godwit.orchestrator.state.ControlSchema;
import dev.godwit.orchestrator.state.Phase;
import dev.godwit.orchestrator.state.TaskStore;
import dev.godwit.orchestrator.validate.AutoValidation;
import dev.godwit.orchestrator.validate.ValidationPosition;
import dev.godwit.orchestrator.validate.ValidationReport;
import dev.godwit.orchestrator.validate.Validator;
import dev.godwit.workers.cdc.stream.SlotInspector;
import dev.godwit.workers.pg.Lsn;
import dev.godwit.workers.pg.PgConnector;
import dev.godwit.workers.validate.TableOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The change-data-capture steps of a run: where a CDC-only task starts in its existing slot, and the stream itself,
 * with the cutovers asked for while it runs.
 */
final class CdcRun {
    private static final Logger log = LoggerFactory.getLogger(CdcRun.class);

    private final Task task;
    private final PgConnector source;
    private final PgConnector target;
    private final ControlSchema control;
    private final TaskStore store;
    private final PrintWriter out;
    private final CdcObserver observer;

    CdcRun(Task task, PgConnector source, PgConnector target, ControlSchema control, TaskStore store, PrintWriter out,
           CdcObserver observer) {
        this.task = task;
        this.source = source;
        this.target = target;
        this.control = control;
        this.store = store;
        this.out = out;
        this.observer = observer;
    }

    /** A CDC-only task: the target already holds the data; streaming starts at the given position or the slot's. */
    void slotPosition(Plan plan) throws SQLException {
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
            int major = plan.catalog().majorVersion();
            Publications.ensure(s, task.settings().publicationName(), Publications.relations(plan.tables(), major), major);
        }
        try (Connection t = target.open("control")) {
            store.setConsistentPoint(t, start);
            store.setPhase(t, Phase.FULL_LOAD_DONE);
        }
        log.info("cdc: the task starts at {} in slot {}", start, task.settings().slotName());
    }

    /**
     * Streams changes until stopped or cut over. A cutover request (from {@code godwit cutover} or the schedule) is
     * taken between transactions; a cutover that fails its checks leaves the task streaming as before, unless this
     * run exists only for that cutover ({@code cutoverOnly}).
     *
     * @return the cutover's report when one was attempted and this run ends with it
     */
    Optional<CutoverReport> stream(SchemaPlan planned, StopSignal stop, boolean cutoverOnly) throws Exception {
        Plan plan = planned.plan();
        CdcPhase phase;
        try (Connection t = target.open("control")) {
            Lsn consistentPoint = store.find(t).flatMap(TaskStore.TaskRow::consistentPoint).orElseThrow(() ->
                    new IllegalStateException("task " + task.name() + " has no recorded slot position"));
            store.setPhase(t, Phase.CDC);
            store.event(t, "INFO", "cdc", "streaming from " + consistentPoint);
            List<String> identity = new IdentityColumns().acceptValues(t, planned);
            if (!identity.isEmpty()) {
                log.info("cdc: identity columns GENERATED BY DEFAULT while changes stream (ALWAYS again at cutover): {}",
                        String.join(", ", identity));
            }
            phase = CdcPhase.forTask(task, source, target, control, plan.tables(), consistentPoint, t);
            phase.observe(observer);
        }
        try (AutoValidation validation = AutoValidation.duringCdc(task, source, target, control);
             CutoverSchedule schedule = CutoverSchedule.startFiring(task, control, target)) {
            while (true) {
                CdcPhase.Outcome outcome = phase.run(() -> stop.requested() || stop.cutoverRequested(), Optional.empty(),
                        stop::stopAt);
                if (outcome == CdcPhase.Outcome.STOP_POINT) {
                    stopPointReached(stop);
                    return Optional.empty();
                }
                Optional<CutoverRequest> request = stop.requested() ? Optional.empty() : stop.takeCutover();
                if (request.isEmpty()) {
                    return Optional.empty();
                }
                CutoverReport report = cutover(planned, phase, stop, request.get(), !cutoverOnly);
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

    /**
     * The run ends at its stop point: a point set by 'godwit stop --at' is cleared (a resume goes on past it); one
     * from the task file stays, so a resume stops there again until it is taken out of the file.
     */
    private void stopPointReached(StopSignal stop) throws SQLException {
        String point = stop.stopAt().map(Object::toString).orElse("?");
        try (Connection t = target.open("control")) {
            if (store.stopAt(t).isPresent()) {
                store.setStopAt(t, Optional.empty());
            }
            store.event(t, "INFO", "cdc", "stop point " + point + " reached: every transaction committed up to it"
                    + " is applied");
        }
        stop.request("stop point " + point + " reached");
    }

    private CutoverReport cutover(SchemaPlan plannedAtStart, CdcPhase phase, StopSignal stop, CutoverRequest request,
                                  boolean streamsOn) throws Exception {
        log.info("cutover of task {} ({}{})", task.name(), request.requestedBy(), request.fence() ? ", fenced" : "");
        Cutover.CatchUp catchUp = (position, limit) -> {
            Instant deadline = Instant.now().plus(limit);
            return phase.run(() -> stop.requested() || Instant.now().isAfter(deadline), Optional.of(position))
                    == CdcPhase.Outcome.CAUGHT_UP;
        };
        Cutover.Handover handover = (s, t) -> {
            SchemaPlan planned = withJoinedTables(plannedAtStart, s, t);
            SequenceSync.Result sequences = new SequenceSync().sync(s, t, planned);
            List<String> identity = new IdentityColumns().restoreAlways(t, planned);
            List<String> switchedOn = new TargetBehaviour().switchOn(s, t, planned);
            List<String> lines = new ArrayList<>();
            lines.add("sequences: " + sequences.set().size() + " set from the source" + (sequences.missed().isEmpty()
                    ? "" : "; NOT set: " + sequences.missed().stream().map(Object::toString)
                    .collect(Collectors.joining(", "))));
            if (!identity.isEmpty()) {
                lines.add("identity: " + identity.size() + " column(s) GENERATED ALWAYS again: " + String.join(", ", identity));
            }
            lines.addAll(switchedOn);
            return new Cutover.Handover.Result(sequences.set().size(), lines);
        };
        Cutover.Recopy recopy = (s, t) -> {
            SchemaPlan planned = withJoinedTables(plannedAtStart, s, t);
            List<String> lines = new ArrayList<>(new UnloggedRecopy().run(s, t, planned));
            new LargeObjects().sync(s, t, planned).ifPresent(r -> lines.add(r.line()));
            return lines;
        };
        return new Cutover(task, source, target, control, store, streamsOn).run(request, catchUp, recopy, handover,
                this::finalValidation, new FallbackSetup(task, control,
                        (s, t) -> withJoinedTables(plannedAtStart, s, t).plan().tables()));
    }

    /** The run's plan, read again with the tables that joined the task while changes streamed, when there are any. */
    private SchemaPlan withJoinedTables(SchemaPlan planned, Connection source, Connection target) throws SQLException {
        Set<String> recorded = store.tableKeys(target);
        Set<String> known = planned.plan().tables().stream().map(t -> t.mapping().targetKey()).collect(Collectors.toSet());
        return known.containsAll(recorded) ? planned : SchemaPlan.read(task, source).restrictedTo(recorded);
    }

    /**
     * Both sides are still here (the applier stopped at the final position, writes stopped): no hold is needed. Row
     * counts of every table, and the contents of the tables that changes were skipped for (errorPolicy
     * log-and-continue): their counts may agree while a row differs.
     */
    private Cutover.FinalValidation.Result finalValidation() throws Exception {
        Validator validator = new Validator(task, source, target, control);
        ValidationReport report = validator.run(false, ValidationPosition.quiesced());
        long rows = report.tables().stream().mapToLong(TableOutcome::sourceRows).sum();
        boolean equal = report.equal();
        String summary = String.format(Locale.ROOT, "%d tables, %,d rows, %s (validation run %d)", report.tables().size(),
                rows, verdict(report), report.runId());
        Set<String> skipped;
        try (Connection t = target.open("validation")) {
            skipped = new ControlApplyExceptions(control, task.name()).tables(t);
        }
        if (!skipped.isEmpty()) {
            ValidationReport contents = validator.run(true, ValidationPosition.quiesced(), List.copyOf(skipped));
            equal &= contents.equal();
            summary += String.format(Locale.ROOT, "; contents of %s, where changes were skipped"
                    + " (apply_exception): %s (validation run %d)", String.join(", ", skipped), verdict(contents),
                    contents.runId());
        }
        return new Cutover.FinalValidation.Result(equal, rows, summary);
    }

    private static String verdict(ValidationReport report) {
        return report.equal() ? "equal" : report.differing() + " chunk(s) differ, in "
                + report.differingTables().stream().map(TableOutcome::tableKey).collect(Collectors.joining(", "));
    }
}
