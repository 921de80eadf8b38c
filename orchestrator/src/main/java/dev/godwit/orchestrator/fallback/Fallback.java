package dev.godwit.orchestrator.fallback;

import dev.godwit.mappings.task.CutoverSettings;
import dev.godwit.mappings.task.Task;
import dev.godwit.orchestrator.cutover.Fence;
import dev.godwit.orchestrator.failure.FailureKind;
import dev.godwit.orchestrator.failure.GodwitException;
import dev.godwit.orchestrator.plan.SchemaPlan;
import dev.godwit.orchestrator.state.ControlSchema;
import dev.godwit.orchestrator.state.Phase;
import dev.godwit.orchestrator.state.TaskStore;
import dev.godwit.workers.pg.Lsn;
import dev.godwit.workers.pg.PgConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Switches back to the source after a cutover with fallback, in the steps of a cutover, each logged and recorded:
 * (1) the new primary (the target) is fenced, with the built-in fence; (2) its position after the fence is the final
 * one, and the reverse stream runs until the source has applied it, within {@code cutover.catchUpTimeout}; (3) the
 * source's sequences are moved up to the target's; (4) row counts are compared; (5) the reverse slot, publication and
 * origin are dropped, the source's identity columns are ALWAYS again, the source's fence from the cutover is lifted,
 * and the task is recorded as fallen back. When a step before (5) fails, the target's fence is lifted and the reverse
 * stream is left as it was ('godwit resume' continues it).
 */
public final class Fallback {
    private static final Logger log = LoggerFactory.getLogger(Fallback.class);

    private final Task task;
    private final PgConnector source;
    private final PgConnector target;
    private final TaskStore store;
    private final FallbackLedger ledger;
    private final List<String> steps = new ArrayList<>();

    public Fallback(Task task, PgConnector source, PgConnector target, ControlSchema control) {
        this.task = task;
        this.source = source;
        this.target = target;
        this.store = new TaskStore(control, task.name());
        this.ledger = new FallbackLedger(control, task.name());
    }

    public FallbackReport run(SchemaPlan planned) throws SQLException {
        FallbackLedger.Entry entry;
        try (Connection t = target.open("fallback")) {
            entry = ledger.find(t).filter(e -> e.state() == FallbackLedger.State.STREAMING).orElseThrow(() ->
                    new GodwitException(FailureKind.BAD_INPUT, "task '" + task.name() + "' has no reverse stream to"
                            + " fall back with"));
            store.event(t, "INFO", "fallback", "started");
        }
        // the target's fence is the built-in one: cutover.fenceSql is written for the source's application
        Fence fence = new Fence(builtInFence(task.settings().cutover()));
        boolean fenced = false;
        Lsn last = null;
        Duration catchUp = Duration.ZERO;
        try {
            try (Connection t = target.open("fallback fence")) {
                step(fence.apply(t).replace("fence:", "fence of the target:"));
                fenced = true;
            }
            try (Connection t = writableTarget("fallback position")) {
                last = FallbackMarker.write(t); // after the fence: nothing the application wrote commits above it
            }
            step("final position of the target " + last);
            Duration limit = task.settings().cutover().catchUpTimeout();
            Instant started = Instant.now();
            Instant deadline = started.plus(limit);
            List<dev.godwit.orchestrator.plan.PlannedTable> streamed = ReverseReplication.streamable(planned.plan().tables());
            ReverseStream stream = new ReverseStream(source, target, entry, streamed);
            if (stream.run(() -> Instant.now().isAfter(deadline), Optional.of(last)) != ReverseStream.Outcome.CAUGHT_UP) {
                return failAndLift(fence, last, "the source did not apply the target's changes up to " + last
                        + " within cutover.catchUpTimeout (" + limit.toSeconds() + " s)");
            }
            catchUp = Duration.between(started, Instant.now());
            step("the source applied the target's changes up to " + last + " in " + catchUp.toMillis() + " ms");
            int sequences;
            try (Connection s = Fence.writable(source.open("fallback sequences"));
                 Connection t = writableTarget("fallback sequences")) {
                ReverseSequences.Result moved = new ReverseSequences().sync(t, s, planned);
                sequences = moved.moved().size();
                step("sequences: " + sequences + " source sequence(s) moved up to the target's" + (moved.moved().isEmpty()
                        ? "" : ": " + String.join(", ", moved.moved())) + (moved.missed().isEmpty() ? ""
                        : "; NOT set: " + String.join(", ", moved.missed())));
            }
            RowCounts.Result counts;
            try (Connection s = source.open("fallback validation"); Connection t = writableTarget("fallback validation")) {
                counts = new RowCounts().compare(t, s, streamed);
            }
            if (!counts.equal()) {
                return failAndLift(fence, last, "the row counts differ: " + String.join("; ", counts.differences()));
            }
            step("validation: " + streamed.size() + " tables, " + counts.rows() + " rows, row counts"
                    + " equal");
            try (Connection s = Fence.writable(source.open("fallback switch")); Connection t = writableTarget("fallback switch")) {
                ReverseReplication.drop(s, t, entry.names()).forEach(this::step);
                SourceIdentity.restore(s, entry.identityAlways());
                if (!entry.identityAlways().isEmpty()) {
                    step("source: identity column(s) GENERATED ALWAYS again: " + String.join(", ", entry.identityAlways()));
                }
                step(new Fence(task.settings().cutover()).lift(s).replace("fence:", "fence of the source:"));
                step("target: left read-only; to accept writes again: " + Fence.undoHint(t));
                ledger.fallenBack(t, last, "fell back at " + last);
                store.setPhase(t, Phase.FALLEN_BACK);
                store.event(t, "INFO", "fallback", "done at " + last + ": the source is the primary again");
            }
            return new FallbackReport(true, Optional.of(last), catchUp, sequences, Optional.of(counts.rows()), steps,
                    Optional.empty());
        } catch (Exception e) {
            log.debug("fallback failed", e);
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (!fenced) {
                return failed(Optional.ofNullable(last), why);
            }
            return failAndLift(fence, last, why);
        }
    }

    private FallbackReport failAndLift(Fence fence, Lsn last, String why) throws SQLException {
        try (Connection t = writableTarget("fallback unfence")) {
            step(fence.lift(t).replace("fence:", "fence of the target:"));
        } catch (SQLException e) {
            step("fence of the target: could not be lifted (" + e.getMessage() + "): lift it by hand");
        }
        return failed(Optional.ofNullable(last), why);
    }

    private FallbackReport failed(Optional<Lsn> last, String why) throws SQLException {
        String message = why + ". The target is the primary still; the reverse stream is kept: 'godwit resume "
                + task.file() + "' continues it";
        log.error("fallback: not done: {}", message);
        try (Connection t = writableTarget("fallback")) {
            ledger.failed(t, message);
            store.event(t, "ERROR", "fallback", "not done: " + message);
        }
        return new FallbackReport(false, last, Duration.ZERO, 0, Optional.empty(), steps, Optional.of(message));
    }

    private void step(String line) {
        log.info("fallback: {}", line);
        steps.add(line);
        try (Connection t = writableTarget("fallback")) {
            store.event(t, "INFO", "fallback", line);
        } catch (SQLException | RuntimeException e) {
            log.debug("could not record the fallback step", e);
        }
    }

    /** A target session that may write godwit's state while the target is fenced (new sessions start read-only). */
    private Connection writableTarget(String purpose) throws SQLException {
        return Fence.writable(target.open(purpose));
    }

    private static CutoverSettings builtInFence(CutoverSettings s) {
        return new CutoverSettings(s.maxLag(), s.catchUpTimeout(), s.keepReplication(), Optional.empty(),
                Optional.empty(), s.validate(), s.notAfter(), s.withFallback());
    }
}
