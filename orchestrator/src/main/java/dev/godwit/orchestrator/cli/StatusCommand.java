package dev.godwit.orchestrator.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.godwit.orchestrator.state.DesiredState;
import dev.godwit.mappings.task.Task;
import dev.godwit.orchestrator.cdc.CdcStatus;
import dev.godwit.orchestrator.cutover.CutoverLedger;
import dev.godwit.orchestrator.fallback.FallbackStatus;
import dev.godwit.orchestrator.cutover.CutoverSchedule;
import dev.godwit.orchestrator.plan.Sizes;
import dev.godwit.orchestrator.state.ControlSchema;
import dev.godwit.orchestrator.state.TaskStore;
import dev.godwit.orchestrator.state.Workers;
import dev.godwit.orchestrator.validate.ValidationStore;
import dev.godwit.workers.pg.PgConnector;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Shows the task's recorded state, read from the control schema on the target (from any machine): phase, whether a process is running it and where, per-table state with units, rows and bytes, CDC lag in bytes and seconds, the WAL the slot retains on the source, the apply rate and exceptions, the scheduled and last cutover, and the latest events.")
final class StatusCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    TaskArgument task;

    @Option(names = "--json", description = "Print the status as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Task loaded = task.load();
        ControlSchema control = new ControlSchema(loaded.settings().controlSchema());
        TaskStore store = new TaskStore(control, loaded.name());
        try (Connection t = new PgConnector("target", loaded.target()).open("status")) {
            TaskStore.TaskRow row = TaskStates.require(t, control, store, loaded);
            List<TaskStore.TableRow> tables = store.tables(t);
            Map<String, int[]> units = new HashMap<>();
            long unitsDone = 0;
            List<TaskStore.UnitRow> ledger = store.units(t);
            for (TaskStore.UnitRow u : ledger) {
                int[] c = units.computeIfAbsent(u.tableKey(), k -> new int[2]);
                c[1]++;
                if (u.done()) {
                    c[0]++;
                    unitsDone++;
                }
            }
            List<String> events = store.recentEvents(t, 5);
            List<Workers.WorkerRow> workers = new Workers(control, loaded.name()).list(t);
            Optional<TaskStore.RunEnd> lastEnd = store.lastRunEnd(t);
            boolean running = dev.godwit.orchestrator.state.Owners.runsElsewhere(row);
            boolean unreleased = dev.godwit.orchestrator.state.Owners.endedUnreleased(row);
            Optional<CdcStatus> cdc = loaded.type().hasCdc() && row.consistentPoint().isPresent()
                    ? Optional.of(cdcStatus(loaded, control, t)) : Optional.empty();
            Optional<CutoverSchedule.Next> scheduled = scheduledCutover(loaded, control);
            Optional<CutoverLedger.Entry> lastCutover = new CutoverLedger(control, loaded.name()).latest(t);
            Optional<ValidationStore.LastRun> lastValidation = new ValidationStore(control, loaded.name()).latest(t);
            Optional<FallbackStatus> fallback = FallbackStatus.read(t, control, loaded.name());
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("task", row.name());
                doc.put("type", row.type());
                doc.put("phase", row.phase().name());
                doc.put("desiredState", row.desiredState().stored());
                doc.put("running", running);
                doc.put("owner", row.owner());
                Map<String, Object> end = new LinkedHashMap<>();
                if (!running && unreleased) {
                    end.put("level", "ERROR");
                    end.put("message", crashed(row, loaded));
                } else {
                    lastEnd.ifPresent(e -> {
                        end.put("at", e.at());
                        end.put("level", e.level());
                        end.put("message", e.message());
                    });
                }
                doc.put("lastRunEnd", end.isEmpty() ? null : end);
                doc.put("source", loaded.source().redacted());
                doc.put("target", loaded.target().redacted());
                doc.put("unitsDone", unitsDone);
                doc.put("units", ledger.size());
                List<Map<String, Object>> rows = new ArrayList<>();
                for (TaskStore.TableRow r : tables) {
                    int[] c = units.getOrDefault(r.tableKey(), new int[2]);
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("table", r.tableKey());
                    m.put("source", r.sourceName());
                    m.put("state", r.state().stored());
                    m.put("unitsDone", c[0]);
                    m.put("units", c[1]);
                    m.put("rows", r.rows());
                    m.put("bytes", r.bytes());
                    m.put("syncLsn", r.syncLsn().map(Object::toString).orElse(null));
                    rows.add(m);
                }
                doc.put("tables", rows);
                doc.put("workers", workers.stream().map(w -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("worker", w.workerId());
                    m.put("host", w.host());
                    m.put("pid", w.pid());
                    m.put("coordinator", w.coordinator());
                    m.put("threads", w.capacity());
                    m.put("heartbeatAgeMillis", w.heartbeatAge().toMillis());
                    m.put("silent", silent(w));
                    m.put("unitsCopied", w.unitsDone());
                    m.put("unitsInHand", w.inHand());
                    return m;
                }).toList());
                cdc.ifPresent(c -> doc.put("cdc", cdcJson(c)));
                doc.put("scheduledCutover", scheduled.map(n -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("at", n.at().toString());
                    m.put("fence", n.fence());
                    m.put("cron", n.cron().orElse(null));
                    return m;
                }).orElse(null));
                doc.put("lastValidation", lastValidation.map(v -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("run", v.id());
                    m.put("state", v.state());
                    m.put("startedAt", v.startedAt().toString());
                    m.put("sourcePosition", v.sourceLsn().map(Object::toString).orElse(null));
                    m.put("content", v.content());
                    m.put("differences", v.differences());
                    return m;
                }).orElse(null));
                doc.put("lastCutover", lastCutover.map(e -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("state", e.state().stored());
                    m.put("requestedBy", e.requestedBy());
                    m.put("requestedAt", e.requestedAt().toString());
                    m.put("finishedAt", e.finishedAt().map(Object::toString).orElse(null));
                    m.put("message", e.message().orElse(null));
                    m.put("fencedSeconds", e.fenced().map(d -> d.toMillis() / 1000.0).orElse(null));
                    return m;
                }).orElse(null));
                doc.put("fallback", fallback.map(f -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("state", f.state().name().toLowerCase(Locale.ROOT));
                    m.put("slot", f.slot());
                    m.put("slotActive", f.slotActive().orElse(null));
                    m.put("appliedOnSource", f.applied().map(Object::toString).orElse(null));
                    m.put("targetPosition", f.targetPosition().map(Object::toString).orElse(null));
                    m.put("lagBytes", f.lagBytes().orElse(null));
                    m.put("finalLsn", f.finalLsn().map(Object::toString).orElse(null));
                    m.put("message", f.message().orElse(null));
                    return m;
                }).orElse(null));
                doc.put("events", events);
                out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc));
            } else {
                out.printf("Task %s (%s): phase %s, %s%n", row.name(), row.type(), row.phase(),
                        dev.godwit.orchestrator.state.Owners.runsElsewhere(row) ? "running in " + row.owner() : "not running"
                                + (row.desiredState() == DesiredState.STOP ? " (stop requested)" : ""));
                out.printf("  %s → %s%n", loaded.source().redacted(), loaded.target().redacted());
                if (!running && unreleased) {
                    out.printf("  LAST RUN: %s%n", crashed(row, loaded));
                } else if (!running && lastEnd.isPresent()) {
                    TaskStore.RunEnd e = lastEnd.get();
                    out.printf("  %s %s: %s%n", e.failed() ? "LAST RUN" : "last run", e.at(), e.message());
                }
                out.printf("  units: %d of %d copied%n%n", unitsDone, ledger.size());
                int width = Math.max(5, tables.stream().mapToInt(r -> r.tableKey().length()).max().orElse(5));
                out.printf(Locale.ROOT, "  %-" + width + "s  %-8s  %7s  %14s  %10s%n", "table", "state", "units", "rows", "bytes");
                for (TaskStore.TableRow r : tables) {
                    int[] c = units.getOrDefault(r.tableKey(), new int[2]);
                    out.printf(Locale.ROOT, "  %-" + width + "s  %-8s  %7s  %,14d  %10s%n", r.tableKey(), r.state().stored(),
                            c[0] + "/" + c[1], r.rows(), Sizes.human(r.bytes()));
                }
                printWorkers(out, workers);
                cdc.ifPresent(c -> printCdc(out, c, loaded, row.phase()));
                lastValidation.ifPresent(v -> out.printf("%n  last validation: run %d %s, %s at %s%s%n", v.id(), v.state(),
                        v.content() ? "rows and contents" : "row counts", v.sourceLsn().map(Object::toString).orElse("?"),
                        v.differences() > 0 ? ", " + v.differences() + " chunk(s) differ ('godwit validate' for details)" : ""));
                scheduled.ifPresent(n -> out.printf("%n  cutover scheduled for %s%s%s%n", n.at(),
                        n.cron().map(c -> " (cron " + c + ")").orElse(""), n.fence() ? ", fenced" : ""));
                lastCutover.ifPresent(e -> out.printf("  last cutover: %s (%s, requested %s%s)%s%n", e.state().stored(),
                        e.requestedBy(), e.requestedAt(), e.fenced().map(d -> String.format(java.util.Locale.ROOT,
                                ", source's writes stopped for %.1f s", d.toMillis() / 1000.0)).orElse(""),
                        e.message().map(m -> ": " + m).orElse("")));
                fallback.ifPresent(f -> out.println("  " + f.line()));
                if (!events.isEmpty()) {
                    out.println();
                    out.println("  latest events:");
                    events.forEach(e -> out.println("    " + e));
                }
            }
            out.flush();
        }
        return ExitCodes.OK;
    }

    /**
     * The processes copying units (docs/scale-out.md). One silent past a unit's lease is taken for dead: its units are
     * copied again by the others, and its row stays until it comes back or the load ends.
     */
    private static void printWorkers(PrintWriter out, List<Workers.WorkerRow> workers) {
        if (workers.isEmpty()) {
            return;
        }
        out.printf("%n  workers:%n");
        for (Workers.WorkerRow w : workers) {
            out.printf(Locale.ROOT, "    %s%s  %d thread(s)  heartbeat %d s ago%s  %d unit(s) copied%s%n", w.workerId(),
                    w.coordinator() ? " (coordinator)" : "", w.capacity(), w.heartbeatAge().toSeconds(),
                    silent(w) ? " SILENT: its units go to the others" : "", w.unitsDone(),
                    w.inHand().isEmpty() ? "" : "  in hand: " + String.join(", ", w.inHand()));
        }
    }

    private static boolean silent(Workers.WorkerRow w) {
        return w.heartbeatAge().compareTo(dev.godwit.orchestrator.load.UnitCopier.LEASE) > 0;
    }

    /** The source is read for its WAL position and the slot; when it cannot be reached, status still shows the rest. */
    private static CdcStatus cdcStatus(Task loaded, ControlSchema control, Connection t) throws Exception {
        try (Connection s = new PgConnector("source", loaded.source()).open("status")) {
            return CdcStatus.read(t, Optional.of(s), Optional.empty(), control, loaded.name(), loaded.settings().slotName());
        } catch (dev.godwit.workers.pg.ConnectionFailure e) {
            return CdcStatus.read(t, Optional.empty(), Optional.of(e.getMessage()), control, loaded.name(),
                    loaded.settings().slotName());
        }
    }

    private static Optional<CutoverSchedule.Next> scheduledCutover(Task loaded, ControlSchema control) throws Exception {
        if (!loaded.type().hasCdc()) {
            return Optional.empty();
        }
        try (CutoverSchedule schedule = CutoverSchedule.open(loaded.name(), control, new PgConnector("target", loaded.target()))) {
            return schedule.next();
        }
    }

    private static String crashed(TaskStore.TaskRow row, Task loaded) {
        return "the run of " + row.owner() + " ended without a word (killed, crashed, or its machine lost) in phase "
                + row.phase() + "; 'godwit resume " + loaded.file() + "' continues from what it recorded";
    }

    private static void printCdc(PrintWriter out, CdcStatus c, Task loaded, dev.godwit.orchestrator.state.Phase phase) {
        out.println();
        out.printf("  CDC: applied up to %s%s%n", c.checkpoint().map(Object::toString).orElse("(nothing yet)"),
                c.lastCommit().map(t -> " (source commit " + t + ")").orElse(""));
        if (c.sourceProblem().isPresent()) {
            out.println("  source not reached: " + c.sourceProblem().get());
        } else {
            out.printf("  source at %s: lag %s%s%n", c.sourcePosition().map(Object::toString).orElse("?"),
                    c.lagBytes().map(Sizes::human).orElse("?"), c.lagSeconds().map(s -> ", " + s + " s").orElse(""));
            out.println("  slot " + loaded.settings().slotName() + ": " + c.slot().map(s -> (s.active() ? "active" : "inactive")
                    + c.slotFailover().map(f -> f ? ", failover slot" : ", not a failover slot").orElse("")
                    + ", retains " + Sizes.human(s.retainedBytes()) + " of WAL, wal_status " + s.walStatus())
                    .orElse(phase == dev.godwit.orchestrator.state.Phase.CUT_OVER
                            || phase == dev.godwit.orchestrator.state.Phase.FALLEN_BACK ? "dropped at the cutover (done)"
                            : "MISSING on the source: CDC cannot go on (a task whose slot is lost must be started"
                            + " again)"));
        }
        c.transactionsPerSecond().ifPresent(tps -> out.printf(Locale.ROOT, "  apply rate: %,.0f transactions/s, %,.0f changes/s (at %s)%n",
                tps, c.changesPerSecond().orElse(0.0), c.rateAt().map(Object::toString).orElse("?")));
        if (c.exceptions() > 0) {
            out.printf("  apply exceptions: %d change(s) recorded in %s (errorPolicy log-and-continue)%n", c.exceptions(),
                    loaded.settings().controlSchema() + ".apply_exception");
        }
    }

    private static Map<String, Object> cdcJson(CdcStatus c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("checkpoint", c.checkpoint().map(Object::toString).orElse(null));
        m.put("lastSourceCommit", c.lastCommit().map(Object::toString).orElse(null));
        m.put("sourcePosition", c.sourcePosition().map(Object::toString).orElse(null));
        m.put("lagBytes", c.lagBytes().orElse(null));
        m.put("lagSeconds", c.lagSeconds().orElse(null));
        m.put("slotActive", c.slot().map(s -> s.active()).orElse(null));
        m.put("slotRetainedBytes", c.slot().map(s -> s.retainedBytes()).orElse(null));
        m.put("slotWalStatus", c.slot().map(s -> s.walStatus()).orElse(null));
        m.put("slotFailover", c.slotFailover().orElse(null));
        m.put("transactionsPerSecond", c.transactionsPerSecond().orElse(null));
        m.put("changesPerSecond", c.changesPerSecond().orElse(null));
        m.put("applyExceptions", c.exceptions());
        m.put("sourceProblem", c.sourceProblem().orElse(null));
        return m;
    }
}
