package dev.godwit.orchestrator.cli;

import dev.godwit.mappings.task.Task;
import dev.godwit.orchestrator.cutover.Fence;
import dev.godwit.orchestrator.failure.FailureKind;
import dev.godwit.orchestrator.failure.GodwitException;
import dev.godwit.orchestrator.fallback.Fallback;
import dev.godwit.orchestrator.fallback.FallbackLedger;
import dev.godwit.orchestrator.fallback.FallbackReport;
import dev.godwit.orchestrator.plan.SchemaPlan;
import dev.godwit.orchestrator.state.ControlSchema;
import dev.godwit.orchestrator.state.DesiredState;
import dev.godwit.orchestrator.state.Owners;
import dev.godwit.orchestrator.state.Phase;
import dev.godwit.orchestrator.state.TaskStore;
import dev.godwit.workers.pg.PgConnector;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;

@Command(name = "fallback", mixinStandardHelpOptions = true,
        description = "Switches back to the source after 'godwit cutover --with-fallback': fences the target (the new primary), waits until the source has applied the target's last change, moves the source's sequences up to the target's, compares row counts, drops the reverse slot, publication and origin, lifts the source's fence, and prints the report. A running process that streams the changes back is stopped first and the fallback takes its place. When a step fails, the target's fence is lifted and the reverse stream is kept.")
final class FallbackCommand implements Callable<Integer> {
    private static final Duration STOP_WAIT = Duration.ofMinutes(2);

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    TaskArgument task;

    @Override
    public Integer call() throws Exception {
        Task loaded = task.load();
        PrintWriter out = spec.commandLine().getOut();
        ControlSchema control = new ControlSchema(loaded.settings().controlSchema());
        TaskStore store = new TaskStore(control, loaded.name());
        PgConnector target = new PgConnector("target", loaded.target()).waitingForRestarts();
        PgConnector source = new PgConnector("source", loaded.source()).waitingForRestarts();
        TaskStore.TaskRow row;
        // writable: after a fallback (or one that failed while fenced) the target's new sessions start read-only
        try (Connection t = Fence.writable(target.open("fallback"))) {
            row = TaskStates.require(t, control, store, loaded);
            control.install(t);
            requireStreamingBack(loaded, row, new FallbackLedger(control, loaded.name()).find(t).orElse(null));
            if (Owners.runsElsewhere(row)) {
                store.setDesiredState(t, DesiredState.STOP);
                store.event(t, "INFO", "fallback", "the reverse stream of " + row.owner() + " is stopped for the fallback");
                out.println("Stopping the reverse stream of " + row.owner() + "; the fallback takes it over.");
                out.flush();
            }
        }
        awaitReleased(loaded, store, target);
        SchemaPlan planned;
        try (Connection s = source.open("plan"); Connection t = target.open("fallback")) {
            store.setDesiredState(t, DesiredState.RUN);
            store.setOwner(t, Owners.self());
            planned = SchemaPlan.read(loaded, s).restrictedTo(store.tableKeys(t));
        }
        FallbackReport report;
        try {
            report = new Fallback(loaded, source, target, control).run(planned);
        } finally {
            try (Connection t = Fence.writable(target.open("fallback"))) {
                store.release(t);
            }
        }
        print(loaded, report, out);
        return report.done() ? ExitCodes.OK : ExitCodes.FAILED;
    }

    private static void requireStreamingBack(Task loaded, TaskStore.TaskRow row, FallbackLedger.Entry entry) {
        if (row.phase() == Phase.FALLEN_BACK) {
            throw new GodwitException(FailureKind.BAD_INPUT, "task '" + loaded.name() + "' has fallen back already");
        }
        if (row.phase() != Phase.CUT_OVER || entry == null || entry.state() != FallbackLedger.State.STREAMING) {
            throw new GodwitException(FailureKind.BAD_INPUT, "task '" + loaded.name() + "' is in phase " + row.phase()
                    + (row.phase() == Phase.CUT_OVER ? " without a fallback" : "") + ": 'godwit fallback' switches back"
                    + " only after 'godwit cutover " + loaded.file() + " --with-fallback' (or cutover.withFallback: true)");
        }
    }

    /** Waits until no other process runs the task (the one that streamed back finished its transaction and exited). */
    private static void awaitReleased(Task loaded, TaskStore store, PgConnector target) throws Exception {
        Instant deadline = Instant.now().plus(STOP_WAIT);
        while (true) {
            try (Connection t = target.open("fallback")) {
                if (!Owners.runsElsewhere(store.find(t).orElseThrow())) {
                    return;
                }
            }
            if (Instant.now().isAfter(deadline)) {
                throw new GodwitException(FailureKind.FAILED, "the process running task '" + loaded.name() + "' did not"
                        + " stop within " + STOP_WAIT.toMinutes() + " min; nothing was changed. Run 'godwit fallback "
                        + loaded.file() + "' again once it has stopped");
            }
            Thread.sleep(200);
        }
    }

    private static void print(Task loaded, FallbackReport report, PrintWriter out) {
        out.println();
        out.println("Fallback of task " + loaded.name() + ": " + (report.done() ? "done." : "NOT done."));
        report.finalLsn().ifPresent(l -> out.println("  final target position: " + l));
        out.printf("  final catch-up: %.1f s%n", report.catchUp().toMillis() / 1000.0);
        if (report.done()) {
            out.println("  sequences moved: " + report.sequencesSet());
        }
        report.rowsCompared().ifPresent(r -> out.printf("  rows compared: %,d on each side%n", r));
        report.failure().ifPresent(f -> out.println("  why: " + f));
        if (report.done()) {
            out.println("  The source holds everything the target committed up to the final position: point the"
                    + " application at the source.");
        }
        out.flush();
    }
}
