package dev.godwit.orchestrator.cli;

import dev.godwit.mappings.sql.SqlText;
import dev.godwit.mappings.task.Task;
import dev.godwit.orchestrator.cdc.ReplicationObjects;
import dev.godwit.orchestrator.failure.FailureKind;
import dev.godwit.orchestrator.failure.GodwitException;
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
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.Callable;

@Command(name = "cleanup", mixinStandardHelpOptions = true,
        description = "Removes what godwit created on the source for this task (its replication slot and publication, when they exist); with --all also the task's state in the control schema on the target, and the control schema itself when no other task is left in it. Migrated tables are never touched. Safe to run twice.")
final class CleanupCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    TaskArgument task;

    @Option(names = "--all", description = "Also remove the task's state (and an empty control schema) on the target.")
    boolean all;

    @Override
    public Integer call() throws Exception {
        Task loaded = task.load();
        PrintWriter out = spec.commandLine().getOut();
        try (Connection t = new PgConnector("target", loaded.target()).open("cleanup")) {
            ControlSchema control = new ControlSchema(loaded.settings().controlSchema());
            if (control.exists(t)) {
                new TaskStore(control, loaded.name()).find(t).filter(dev.godwit.orchestrator.state.Owners::runsElsewhere).ifPresent(r -> {
                    throw new GodwitException(FailureKind.BAD_INPUT, "task '" + loaded.name() + "' is running in " + r.owner()
                            + "; stop it first (godwit stop " + loaded.file() + ")");
                });
            }
        }
        try (Connection s = new PgConnector("source", loaded.source()).open("cleanup")) {
            ReplicationObjects.drop(s, loaded.settings().slotName(), loaded.settings().publicationName()).forEach(out::println);
        }
        if (all) {
            try (Connection t = new PgConnector("target", loaded.target()).open("cleanup")) {
                ControlSchema control = new ControlSchema(loaded.settings().controlSchema());
                if (control.exists(t)) {
                    try (PreparedStatement ps = t.prepareStatement("DELETE FROM " + control.table("task") + " WHERE name = ?")) {
                        ps.setString(1, loaded.name());
                        ps.executeUpdate();
                    }
                    try (Statement st = t.createStatement()) {
                        st.execute("DELETE FROM " + control.table("event") + " WHERE task = " + SqlText.literal(loaded.name()));
                        try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + control.table("task"))) {
                            rs.next();
                            if (rs.getLong(1) == 0) {
                                st.execute("DROP SCHEMA " + control.name() + " CASCADE");
                                out.println("target: control schema " + control.name() + " dropped (no task left in it)");
                            } else {
                                out.println("target: the state of task " + loaded.name() + " is gone; other tasks remain in " + control.name());
                            }
                        }
                    }
                } else {
                    out.println("target: no control schema " + control.name() + ", nothing to remove");
                }
            }
        }
        out.flush();
        return ExitCodes.OK;
    }
}
