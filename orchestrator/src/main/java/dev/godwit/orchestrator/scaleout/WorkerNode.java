package dev.godwit.orchestrator.scaleout;

import dev.godwit.orchestrator.load.UnitCopier;
import dev.godwit.orchestrator.load.UnitWork;
import dev.godwit.orchestrator.state.ControlSchema;
import dev.godwit.orchestrator.state.Owners;
import dev.godwit.orchestrator.state.UnitLeases;
import dev.godwit.orchestrator.state.Workers;
import dev.godwit.workers.pg.PgConnector;
import org.quartz.SchedulerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * This process as one of a task's workers: registered in the control schema with its host, pid and capacity, beating
 * every few seconds (which also renews the leases of the units in its hands), and a node of the task's load cluster.
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
    private final LoadCluster cluster;
    private final ScheduledExecutorService heartbeat;
    private final boolean coordinator;

    private WorkerNode(String id, PgConnector target, Workers workers, UnitLeases leases, UnitRunner runner,
                       LoadCluster cluster, boolean coordinator) {
        this.id = id;
        this.coordinator = coordinator;
        this.target = target;
        this.workers = workers;
        this.leases = leases;
        this.runner = runner;
        this.cluster = cluster;
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "worker-heartbeat");
            t.setDaemon(true);
            return t;
        });
        heartbeat.scheduleWithFixedDelay(this::beat, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Registers this process and joins the task's load cluster.
     *
     * @param threads     units copied at once here
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
        UnitRunner runner = new UnitRunner(source, target, leases, workers, id);
        LoadCluster cluster = LoadCluster.join(control, task, target, id, threads, (bundle, scheduler) -> new UnitJob(runner));
        if (working) {
            cluster.start();
        }
        log.info("{} joined the load of task {} ({} unit(s) at a time{})", id, task, working ? threads : 0,
                coordinator ? ", coordinator" : "");
        return new WorkerNode(id, target, workers, leases, runner, cluster, coordinator);
    }

    public String id() {
        return id;
    }

    /** Whether a unit is being copied here now. */
    public boolean busy() {
        return !runner.inHand().isEmpty();
    }

    public long unitsCopied() {
        return runner.unitsCopied();
    }

    void schedule(List<UnitWork> units, String snapshotName) throws SchedulerException {
        cluster.schedule(units, snapshotName);
    }

    void withdraw() throws SchedulerException {
        cluster.withdraw();
    }

    private void beat() {
        try (Connection c = target.open("heartbeat")) {
            leases.renew(c, id, UnitCopier.LEASE);
            workers.beat(c, id, runner.inHand());
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
