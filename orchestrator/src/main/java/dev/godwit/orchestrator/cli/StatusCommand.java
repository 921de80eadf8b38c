package dev.godwit.orchestrator.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.godwit.mappings.task.Task;
import dev.godwit.orchestrator.plan.Sizes;
import dev.godwit.orchestrator.state.ControlSchema;
import dev.godwit.orchestrator.state.TaskStore;
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
import java.util.concurrent.Callable;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Shows the task's recorded state, read from the control schema on the target (from any machine): phase, whether a process is running it and where, per-table state with units, rows and bytes, and the latest events.")
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
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("task", row.name());
                doc.put("type", row.type());
                doc.put("phase", row.phase().name());
                doc.put("desiredState", row.desiredState());
                doc.put("running", dev.godwit.orchestrator.state.Owners.runsElsewhere(row));
                doc.put("owner", row.owner());
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
                    m.put("state", r.state());
                    m.put("unitsDone", c[0]);
                    m.put("units", c[1]);
                    m.put("rows", r.rows());
                    m.put("bytes", r.bytes());
                    m.put("syncLsn", r.syncLsn().map(Object::toString).orElse(null));
                    rows.add(m);
                }
                doc.put("tables", rows);
                doc.put("events", events);
                out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc));
            } else {
                out.printf("Task %s (%s): phase %s, %s%n", row.name(), row.type(), row.phase(),
                        dev.godwit.orchestrator.state.Owners.runsElsewhere(row) ? "running in " + row.owner() : "not running"
                                + (row.desiredState().equals("stop") ? " (stop requested)" : ""));
                out.printf("  %s → %s%n", loaded.source().redacted(), loaded.target().redacted());
                out.printf("  units: %d of %d copied%n%n", unitsDone, ledger.size());
                int width = Math.max(5, tables.stream().mapToInt(r -> r.tableKey().length()).max().orElse(5));
                out.printf(Locale.ROOT, "  %-" + width + "s  %-8s  %7s  %14s  %10s%n", "table", "state", "units", "rows", "bytes");
                for (TaskStore.TableRow r : tables) {
                    int[] c = units.getOrDefault(r.tableKey(), new int[2]);
                    out.printf(Locale.ROOT, "  %-" + width + "s  %-8s  %7s  %,14d  %10s%n", r.tableKey(), r.state(),
                            c[0] + "/" + c[1], r.rows(), Sizes.human(r.bytes()));
                }
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
}
