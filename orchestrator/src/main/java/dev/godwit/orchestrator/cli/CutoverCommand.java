package dev.godwit.orchestrator.cli;

import dev.godwit.mappings.task.Task;
import dev.godwit.orchestrator.cutover.CutoverLedger;
import dev.godwit.orchestrator.cutover.CutoverReport;
import dev.godwit.orchestrator.cutover.CutoverSchedule;
import dev.godwit.orchestrator.failure.FailureKind;
import dev.godwit.orchestrator.failure.GodwitException;
import dev.godwit.orchestrator.fallback.FallbackChecks;
import dev.godwit.orchestrator.run.MigrationRunner;
import dev.godwit.orchestrator.state.ControlSchema;
import dev.godwit.orchestrator.state.CutoverState;
import dev.godwit.orchestrator.state.Owners;
import dev.godwit.orchestrator.state.Phase;
import dev.godwit.orchestrator.state.TaskStore;
import dev.godwit.workers.pg.PgConnector;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.sql.Connection;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "cutover", mixinStandardHelpOptions = true,
        description = "Ends the migration: checks the apply lag, optionally fences writes on the source, waits until the target has applied everything up to the source's current position, sets every sequence, validates row counts, drops the slot and publication, and prints the report. Runs now, or at a time or on a schedule (kept in the control schema, so it survives a restart of godwit). A cutover whose checks fail changes nothing and says why; the task goes on streaming.")
final class CutoverCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    TaskArgument task;

    @Option(names = "--at", paramLabel = "TIME", description = "Run the cutover at this time, in ISO-8601: YYYY-MM-DDThh:mm[:ss] followed by an offset (Z, +01:00), or by nothing for this machine's time zone. A time in the past is refused.")
    String at;

    @Option(names = "--cron", paramLabel = "EXPR", description = "Run the cutover at the next time this Quartz cron expression fires (e.g. '0 0 2 * * ?' for 02:00).")
    String cron;

    @Option(names = "--fence", description = "Make the source database read-only and end the sessions that write before the final catch-up.")
    boolean fence;

    @Option(names = "--accept-differences", description = "Cut over even when the final validation finds differences (the report names them and that they were accepted). Without it such a cutover is refused and changes nothing.")
    boolean acceptDifferences;

    @Option(names = "--cancel", description = "Remove a scheduled cutover.")
    boolean cancel;

    @Option(names = "--with-fallback", description = "Keep a way back: once the target holds the source's final position, stream its changes back to the source (a slot and publication on the target, a replication origin on the source), so that 'godwit fallback' can switch back. Refused when the table mappings do not reverse exactly or a server lacks what it needs (see docs/cutover.md). The setting cutover.withFallback: true asks for the same.")
    boolean withFallback;

    @Override
    public Integer call() throws Exception {
        long modes = List.of(at != null, cron != null, cancel).stream().filter(b -> b).count();
        if (modes > 1) {
            throw new GodwitException(FailureKind.BAD_INPUT, "use one of --at, --cron and --cancel");
        }
        Optional<Instant> when = at == null ? Optional.empty() : Optional.of(parseTime(at));
        if (cron != null) {
            CutoverSchedule.cronProblem(cron).ifPresent(p -> {
                throw new GodwitException(FailureKind.BAD_INPUT, "--cron '" + cron + "' is not a valid Quartz cron expression: "
                        + p + " (six or seven fields: seconds minutes hours day-of-month month day-of-week [year], e.g. '0 0 2 * * ?')");
            });
        }
        Task loaded = task.load();
        if (!loaded.type().hasCdc()) {
            throw new GodwitException(FailureKind.BAD_INPUT, "task '" + loaded.name() + "' is of type "
                    + loaded.type().spelling() + ": a cutover ends change data capture, so it needs type full-load-and-cdc or cdc");
        }
        PrintWriter out = spec.commandLine().getOut();
        ControlSchema control = new ControlSchema(loaded.settings().controlSchema());
        TaskStore store = new TaskStore(control, loaded.name());
        PgConnector target = new PgConnector("target", loaded.target()).waitingForRestarts();
        TaskStore.TaskRow row;
        try (Connection t = target.open("cutover")) {
            row = TaskStates.require(t, control, store, loaded);
            control.install(t);
        }
        if (cancel || when.isPresent() || cron != null) {
            if (withFallback) {
                throw new GodwitException(FailureKind.BAD_INPUT, "--with-fallback is for a cutover now; for a scheduled"
                        + " one, set cutover.withFallback: true in the task file");
            }
            return schedule(loaded, control, store, target, when, out);
        }
        requireStreaming(loaded, row);
        if (withFallback || loaded.settings().cutover().withFallback()) {
            FallbackChecks.require(loaded, new PgConnector("source", loaded.source()), target, control);
        }
        if (Owners.runsElsewhere(row)) {
            return requestAndWait(loaded, control, store, target, row, out);
        }
        CutoverReport report = new MigrationRunner(loaded, out).cutover(fence, acceptDifferences, withFallback);
        return report.done() ? ExitCodes.OK : ExitCodes.FAILED;
    }

    private int schedule(Task loaded, ControlSchema control, TaskStore store, PgConnector target, Optional<Instant> when,
                         PrintWriter out) throws Exception {
        try (CutoverSchedule schedule = CutoverSchedule.open(loaded.name(), control, target);
             Connection t = target.open("cutover")) {
            if (cancel) {
                boolean removed = schedule.cancel();
                out.println(removed ? "The scheduled cutover of task " + loaded.name() + " is removed."
                        : "No cutover of task " + loaded.name() + " was scheduled.");
                if (removed) {
                    store.event(t, "INFO", "cutover", "schedule removed");
                }
                return ExitCodes.OK;
            }
            Instant next = when.isPresent() ? schedule.at(when.get(), fence) : schedule.cron(cron, fence);
            String what = "cutover of task " + loaded.name() + " scheduled for " + next + (cron != null ? " (cron " + cron + ")" : "")
                    + (fence ? ", fenced" : "");
            store.event(t, "INFO", "cutover", what);
            out.println("The " + what + ".");
            out.println("The process running the task ('godwit start' or 'godwit resume') performs it; if none runs then, "
                    + "the next 'godwit resume' does at once (if within cutover.notAfter of the time, when the task file "
                    + "sets it). 'godwit status' shows it; 'godwit cutover --cancel' removes it.");
            return ExitCodes.OK;
        }
    }

    private static void requireStreaming(Task loaded, TaskStore.TaskRow row) {
        if (row.phase() == Phase.CUT_OVER || row.phase() == Phase.DONE || row.phase() == Phase.FALLEN_BACK) {
            throw new GodwitException(FailureKind.BAD_INPUT, "task '" + loaded.name() + "' is already cut over");
        }
        if (row.phase() != Phase.CDC && row.phase() != Phase.FULL_LOAD_DONE) {
            throw new GodwitException(FailureKind.BAD_INPUT, "task '" + loaded.name() + "' is in phase " + row.phase()
                    + ": the full load must finish before a cutover ('godwit resume " + loaded.file() + "', then cut over;"
                    + " or schedule it with --at)");
        }
    }

    /** Another process runs the task: record the request, and follow it until that process reports the outcome. */
    private int requestAndWait(Task loaded, ControlSchema control, TaskStore store, PgConnector target,
                               TaskStore.TaskRow row, PrintWriter out) throws Exception {
        CutoverLedger ledger = new CutoverLedger(control, loaded.name());
        long id;
        long lastEvent;
        try (Connection t = target.open("cutover")) {
            lastEvent = store.latestEventId(t);
            id = ledger.request(t, "command", fence, acceptDifferences, withFallback);
        }
        out.println("Cutover requested; " + row.owner() + " performs it after the transaction at hand:");
        out.flush();
        while (true) {
            Thread.sleep(1000);
            try (Connection t = target.open("cutover")) {
                for (TaskStore.Event e : store.eventsAfter(t, lastEvent, "cutover")) {
                    out.println("  " + e.message());
                    lastEvent = e.id();
                }
                out.flush();
                CutoverLedger.Entry entry = ledger.find(t, id).orElseThrow(() -> new GodwitException(FailureKind.FAILED,
                        "the cutover request disappeared (replaced by a later one, or the task was cleaned up)"));
                if (entry.finished()) {
                    out.println(entry.state() == CutoverState.DONE ? "Cutover done." : "Cutover NOT done: " + entry.message().orElse("?"));
                    out.flush();
                    return entry.state() == CutoverState.DONE ? ExitCodes.OK : ExitCodes.FAILED;
                }
                TaskStore.TaskRow now = store.find(t).orElseThrow();
                if (entry.state() == CutoverState.REQUESTED && !Owners.runsElsewhere(now)) {
                    throw new GodwitException(FailureKind.FAILED, "the process running task '" + loaded.name()
                            + "' ended before taking the cutover; the request is kept: 'godwit resume " + loaded.file()
                            + "' performs it");
                }
            }
        }
    }

    static Instant parseTime(String text) {
        try {
            return future(OffsetDateTime.parse(text).toInstant(), text);
        } catch (DateTimeParseException withoutOffset) {
            try {
                return future(LocalDateTime.parse(text).atZone(ZoneId.systemDefault()).toInstant(), text);
            } catch (DateTimeParseException e) {
                throw new GodwitException(FailureKind.BAD_INPUT, "--at '" + text + "' is not a time; expected ISO-8601: "
                        + "YYYY-MM-DDThh:mm[:ss] followed by an offset (Z, +01:00) or by nothing for this machine's time zone");
            }
        }
    }

    private static Instant future(Instant when, String text) {
        if (when.isBefore(Instant.now())) {
            throw new GodwitException(FailureKind.BAD_INPUT, "--at '" + text + "' is in the past; for a cutover now, leave --at out");
        }
        return when;
    }
}
