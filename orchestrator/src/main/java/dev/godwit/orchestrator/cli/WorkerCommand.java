package dev.godwit.orchestrator.cli;

import dev.godwit.orchestrator.scaleout.WorkerNode;
import dev.godwit.orchestrator.state.ControlSchema;
import dev.godwit.orchestrator.state.Phase;
import dev.godwit.orchestrator.state.TaskStore;
import dev.godwit.workers.pg.PgConnector;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.sql.Connection;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

@Command(name = "worker", mixinStandardHelpOptions = true,
        description = "Joins a task whose full load runs with 'godwit start --workers external' (or resume), or whose"
                + " validations run with 'godwit validate --workers external', from this or any other host that"
                + " reaches the source, the target and its control schema: copies the units and compares the chunks"
                + " handed out, under the snapshot they were cut in, until the full load is over (or, with --until"
                + " cutover, until the task is cut over). A worker that dies has its units and chunks taken again by"
                + " the others; see docs/scale-out.md.")
final class WorkerCommand implements Callable<Integer> {
    /** How often the worker looks whether it may leave (see {@link Until}). */
    private static final Duration POLL = Duration.ofSeconds(1);
    /**
     * When a worker leaves: once the full load is over, once the task is cut over (validations until then), or only
     * when stopped (validations of a finished full-load task).
     */
    enum Until {
        load(EnumSet.of(Phase.FULL_LOAD_DONE, Phase.CDC, Phase.CUT_OVER, Phase.DONE, Phase.FALLEN_BACK)),
        cutover(EnumSet.of(Phase.CUT_OVER, Phase.DONE, Phase.FALLEN_BACK)),
        stopped(EnumSet.noneOf(Phase.class));

        private final Set<Phase> over;

        Until(Set<Phase> over) {
            this.over = over;
        }
    }

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TASK|CONTROL_URL",
            description = "The task file, or the target's URL (postgresql://user@host:port/database, no password:"
                    + " PGPASSWORD or ~/.pgpass gives both servers' passwords), where the control schema names the"
                    + " task's source.")
    String task;

    @Option(names = "--task", paramLabel = "NAME",
            description = "With a control URL: the task to join (needed when the control schema holds several).")
    String taskName;

    @Option(names = "--control-schema", paramLabel = "NAME",
            description = "With a control URL: the task's control schema (default: godwit).")
    String controlSchema;

    @Option(names = "--threads", paramLabel = "N",
            description = "Units copied, or chunks compared, at once by this process (default: the task's full-load"
                    + " parallelism).")
    Integer threads;

    @Option(names = "--until", paramLabel = "load|cutover|stopped", defaultValue = "load",
            description = "Leave once the full load is over (load, the default), or stay, comparing the chunks of"
                    + " every 'godwit validate --workers external', until the task is cut over (cutover) or until"
                    + " SIGTERM (stopped: for a full-load task, whose validations come after its end).")
    Until until = Until.load;

    @Override
    public Integer call() throws Exception {
        JoinedTask joined = JoinedTask.resolve(task, taskName, controlSchema);
        int capacity = threads == null ? joined.threads() : threads;
        if (capacity < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--threads " + capacity + " is below 1");
        }
        ControlSchema control = joined.control();
        TaskStore store = new TaskStore(control, joined.name());
        PgConnector target = joined.target();
        try (Connection t = target.open("control")) {
            control.install(t); // the chunk ledger, when the task was started by an older godwit
        }
        PrintWriter out = spec.commandLine().getOut();
        CountDownLatch left = new CountDownLatch(1);
        CountDownLatch stopping = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            // SIGTERM: the units in hand are copied to their end, the others left to the rest of the cluster
            stopping.countDown();
            awaitQuietly(left);
        }, "worker-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        long copied;
        long compared;
        String id;
        try (WorkerNode node = WorkerNode.join(joined.name(), control, joined.source(), target, capacity, false, true)) {
            id = node.id();
            out.println("worker " + id + " joined task " + joined.name() + " with " + capacity + " thread(s)");
            out.flush();
            while (!stopping.await(POLL.toMillis(), TimeUnit.MILLISECONDS)) {
                Optional<TaskStore.TaskRow> row;
                try (Connection t = target.open("control")) {
                    row = store.find(t);
                }
                if ((row.isEmpty() || until.over.contains(row.get().phase())) && !node.busy()) {
                    break;
                }
            }
            copied = node.unitsCopied();
            compared = node.chunksCompared();
        } finally {
            left.countDown();
        }
        out.println("worker " + id + " left task " + joined.name() + ": " + copied + " unit(s) copied"
                + (compared > 0 ? " and " + compared + " validation chunk(s) compared" : "") + " here");
        out.flush();
        if (stopping.getCount() > 0) {
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        return ExitCodes.OK;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
