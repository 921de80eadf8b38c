package dev.godwit.orchestrator.scaleout;

import dev.godwit.orchestrator.load.UnitCopier;
import dev.godwit.orchestrator.load.UnitWork;
import dev.godwit.orchestrator.state.ControlSchema;
import dev.godwit.orchestrator.state.Owners;
import dev.godwit.orchestrator.state.TaskStore;
import dev.godwit.orchestrator.state.UnitLeases;
import dev.godwit.orchestrator.state.ValidationChunks;
import dev.godwit.orchestrator.state.Workers;
import dev.godwit.workers.pg.PgConnector;
import org.quartz.SchedulerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * This process as one of a task's workers: registered in the control schema with its host, pid and capacity, beating
 * every few seconds (which also renews the leases of the units and chunks in its hands), and a node of the task's
 * cluster.
 */
public final class WorkerNode implements AutoCloseable {
    /** How often the heartbeat is written and the leases renewed: well inside {@link UnitCopier#LEASE}. */
    static final Duration HEARTBEAT = Duration.ofSeconds(3);
    private static final Logger log = LoggerFactory.getLogger(WorkerNode.class);

    private final String id;
    private final PgConnector target;
    private final Workers workers;
    private final UnitLeases leases;
    private final UnitRunner runner;
    private final ChunkRunner chunks;
    private final ValidationChunks chunkLeases;
    private final TaskCluster cluster;
    private final ScheduledExecutorService heartbeat;
    private final boolean coordinator;

    private WorkerNode(String id, PgConnector target, Workers workers, UnitLeases leases, UnitRunner runner,
                       ChunkRunner chunks, ValidationChunks chunkLeases, TaskCluster cluster, boolean coordinator) {
        this.id = id;
        this.coordinator = coordinator;
        this.target = target;
        this.workers = workers;
        this.leases = leases;
        this.runner = runner;
        this.chunks = chunks;
        this.chunkLeases = chunkLeases;
        this.cluster = cluster;
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "worker-heartbeat");
            t.setDaemon(true);
            return t;
        });
        heartbeat.scheduleWithFixedDelay(this::beat, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Registers this process and joins the task's cluster.
     *
     * @param threads     units copied, or chunks compared, at once here
     * @param coordinator this is the process that runs the task
     * @param working     this process copies units itself; a coordinator told not to only hands them out
     */
    public static WorkerNode join(String task, ControlSchema control, PgConnector source, PgConnector target,
                                  int threads, boolean coordinator, boolean working) throws SQLException, SchedulerException {
        String id = Owners.self();
        Workers workers = new Workers(control, task);
        UnitLeases leases = new UnitLeases(control, task);
        long pid = ProcessHandle.current().pid();
        String host = id.substring(id.indexOf('@') + 1);
        try (Connection c = target.open("control")) {
            workers.register(c, id, host, pid, working ? threads : 0, coordinator);
        }
        UnitRunner runner = new UnitRunner(source, target, leases, workers, new TaskStore(control, task), id);
        ValidationChunks chunkLeases = new ValidationChunks(control);
        ChunkRunner chunks = new ChunkRunner(source, target, chunkLeases, id);
        TaskCluster cluster = TaskCluster.join(control, task, target, id, threads, (bundle, scheduler) ->
                bundle.getJobDetail().getJobClass() == ChunkJob.class ? new ChunkJob(chunks) : new UnitJob(runner));
        if (working) {
            cluster.start();
        }
        log.info("{} joined task {} ({} unit(s) or chunk(s) at a time{})", id, task, working ? threads : 0,
                coordinator ? ", coordinator" : "");
        return new WorkerNode(id, target, workers, leases, runner, chunks, chunkLeases, cluster, coordinator);
    }

    public String id() {
        return id;
    }

    /** Whether a unit is being copied, or a chunk compared, here now. */
    public boolean busy() {
        return !runner.inHand().isEmpty() || !chunks.inHand().isEmpty();
    }

    public long unitsCopied() {
        return runner.unitsCopied();
    }

    public long chunksCompared() {
        return chunks.chunksCompared();
    }

    void schedule(List<UnitWork> units, String snapshotName) throws SchedulerException {
        cluster.schedule(units, snapshotName);
    }

    void withdraw() throws SchedulerException {
        cluster.withdraw();
    }

    void scheduleChunks(long runId, List<ValidationChunks.Planned> planned) throws SchedulerException {
        cluster.scheduleChunks(runId, planned);
    }

    Set<String> chunksOut(long runId) throws SchedulerException {
        return cluster.chunksOut(runId);
    }

    void withdrawChunks() throws SchedulerException {
        cluster.withdrawChunks();
    }

    private void beat() {
        try (Connection c = target.open("heartbeat")) {
            leases.renew(c, id, UnitCopier.LEASE);
            List<String> chunksInHand = chunks.inHand();
            if (!chunksInHand.isEmpty()) { // taken with a fresh lease, a chunk is in hand until its result
                chunkLeases.renew(c, id, UnitCopier.LEASE);
            }
            List<String> inHand = new ArrayList<>(runner.inHand());
            inHand.addAll(chunksInHand);
            workers.beat(c, id, inHand);
        } catch (SQLException | RuntimeException e) {
            log.warn("worker heartbeat not written: {}", e.getMessage());
        }
    }

    /**
     * Leaves the cluster once the units in hand are copied, and deregisters; the coordinator also forgets the workers
     * that died during the load (silent past a unit's lease), which status showed as such until then.
     */
    @Override
    public void close() throws Exception {
        try {
            cluster.close();
        } finally {
            heartbeat.shutdownNow();
            runner.close();
            chunks.close();
            try (Connection c = target.open("control")) {
                workers.deregister(c, id);
                if (coordinator) {
                    workers.forgetSilent(c, UnitCopier.LEASE);
                }
            } catch (SQLException | RuntimeException e) {
                log.warn("worker {} not deregistered: {}", id, e.getMessage());
            }
        }
    }
}
