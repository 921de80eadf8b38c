package dev.godwit.orchestrator.cli;

import dev.godwit.mappings.task.Task;
import dev.godwit.orchestrator.cdc.ReloadLedger;
import dev.godwit.orchestrator.failure.FailureKind;
import dev.godwit.orchestrator.failure.GodwitException;
import dev.godwit.orchestrator.state.ControlSchema;
import dev.godwit.orchestrator.state.Owners;
import dev.godwit.orchestrator.state.Phase;
import dev.godwit.orchestrator.state.TaskStore;
import dev.godwit.workers.pg.PgConnector;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

@Command(name = "reload", mixinStandardHelpOptions = true,
        description = "Copies tables again while CDC runs, under a fresh sync position, without pausing the other tables: the process running the task holds the tables' changes back, replaces their rows from a new snapshot in one target transaction, and applies the held-back changes from that snapshot on. This command records the request and follows it until it is done. With no process running the task, the request is recorded and the next 'godwit resume' performs it.")
final class ReloadCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    TaskArgument task;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "TABLE",
            description = "A target table as 'schema.name', or its name alone when that is unique in the task; the source name is accepted too.")
    List<String> tables;

    @Override
    public Integer call() throws Exception {
        Task loaded = task.load();
        if (!loaded.type().hasCdc()) {
            throw new GodwitException(FailureKind.BAD_INPUT, "task '" + loaded.name() + "' is of type "
                    + loaded.type().spelling() + ": a reload copies a table again while changes stream, so it needs a CDC task");
        }
        PrintWriter out = spec.commandLine().getOut();
        ControlSchema control = new ControlSchema(loaded.settings().controlSchema());
        TaskStore store = new TaskStore(control, loaded.name());
        ReloadLedger ledger = new ReloadLedger(control, loaded.name());
        PgConnector target = new PgConnector("target", loaded.target());
        long id;
        long lastEvent;
        TaskStore.TaskRow row;
        List<String> keys;
        try (Connection t = target.open("reload")) {
            row = TaskStates.require(t, control, store, loaded);
            control.install(t);
            if (row.phase() == Phase.CUT_OVER || row.phase() == Phase.DONE || row.phase() == Phase.FALLEN_BACK) {
                throw new GodwitException(FailureKind.BAD_INPUT, "task '" + loaded.name() + "' is cut over: nothing streams into its tables any more");
            }
            keys = resolve(store.tables(t));
            lastEvent = store.latestEventId(t);
            id = ledger.request(t, keys, "godwit reload");
        }
        if (!Owners.runsElsewhere(row)) {
            out.println("Reload " + id + " of " + String.join(", ", keys) + " recorded. No godwit process runs task "
                    + loaded.name() + " now: 'godwit resume " + loaded.file() + "' performs it once changes stream.");
            return ExitCodes.OK;
        }
        out.println("Reload " + id + " of " + String.join(", ", keys) + " requested; " + row.owner()
                + " performs it while the other tables stream on:");
        out.flush();
        while (true) {
            Thread.sleep(1000);
            try (Connection t = target.open("reload")) {
                for (TaskStore.Event e : store.eventsAfter(t, lastEvent, "reload")) {
                    out.println("  " + e.message());
                    lastEvent = e.id();
                }
                out.flush();
                ReloadLedger.Entry entry = ledger.find(t, id).orElseThrow(() -> new GodwitException(FailureKind.FAILED,
                        "the reload request disappeared (the task was cleaned up)"));
                if (entry.state() == ReloadLedger.State.DONE) {
                    out.println("Reload done: sync position " + entry.syncLsn().map(Object::toString).orElse("?") + ".");
                    return ExitCodes.OK;
                }
                if (entry.state() == ReloadLedger.State.REFUSED) {
                    out.println("Reload refused: " + entry.message().orElse("?"));
                    return ExitCodes.FAILED;
                }
                if (!Owners.runsElsewhere(store.find(t).orElseThrow())) {
                    throw new GodwitException(FailureKind.FAILED, "the process running task '" + loaded.name()
                            + "' ended before the reload was done; the request is kept ("
                            + entry.state().stored() + "): 'godwit resume " + loaded.file() + "' performs it");
                }
            }
        }
    }

    /** The task's target table keys the arguments name, each once; an unknown or ambiguous name is refused. */
    private List<String> resolve(List<TaskStore.TableRow> rows) {
        Set<String> keys = new LinkedHashSet<>();
        List<String> problems = new ArrayList<>();
        for (String name : tables) {
            List<String> matches = rows.stream().filter(r -> r.tableKey().equals(name) || r.sourceName().equals(name)
                    || r.tableKey().endsWith("." + name) && !name.contains(".")).map(TaskStore.TableRow::tableKey)
                    .distinct().toList();
            if (matches.size() == 1) {
                keys.add(matches.get(0));
            } else {
                problems.add(matches.isEmpty() ? "'" + name + "' is not a table of this task"
                        : "'" + name + "' is ambiguous: " + String.join(", ", matches) + " (give schema.name)");
            }
        }
        if (!problems.isEmpty()) {
            throw new GodwitException(FailureKind.BAD_INPUT, String.join("; ", problems));
        }
        return List.copyOf(keys);
    }
}
