package dev.godwit.orchestrator.run;

import dev.godwit.orchestrator.cutover.CutoverLedger;
import dev.godwit.orchestrator.cutover.CutoverRequest;
import dev.godwit.orchestrator.state.DesiredState;
import dev.godwit.orchestrator.state.TaskStore;
import dev.godwit.workers.pg.KeptConnection;
import dev.godwit.workers.pg.PgConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

import dev.godwit.mappings.task.StopAt;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.ZoneId;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.Optional;

/**
 * Whether the running task has been asked to stop: by {@code godwit stop} from any machine (the desired state in the
 * control schema, polled every few seconds, which also refreshes this process's liveness mark), or by SIGTERM or
 * SIGINT here; and whether a cutover has been asked for (by {@code godwit cutover} or its schedule). The run finishes
 * the unit or transaction at hand and exits 0. A second SIGINT aborts at once.
 */
final class StopSignal implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StopSignal.class);
    static final Duration POLL = Duration.ofSeconds(2);

    private final AtomicReference<String> reason = new AtomicReference<>();
    private final AtomicReference<CutoverRequest> cutover = new AtomicReference<>();
    private final AtomicLong lastCutoverTaken = new AtomicLong();
    /** The stop point: 'godwit stop --at' (recorded in the control schema) over cdc.stopAt of the task file. */
    private final AtomicReference<Optional<StopAt>> stopAt;
    private final PgConnector target;
    private final KeptConnection control;
    private final TaskStore store;
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "stop-watch");
        t.setDaemon(true);
        return t;
    });

    StopSignal(PgConnector target, TaskStore store, CutoverLedger cutovers, String owner, Optional<StopAt> fromTask) {
        this.target = target;
        this.control = new KeptConnection(target, "control");
        this.store = store;
        this.stopAt = new AtomicReference<>(fromTask);
        installSignalHandlers();
        poller.scheduleWithFixedDelay(() -> {
            try {
                control.use(c -> look(c, owner, cutovers));
            } catch (Exception e) {
                log.debug("could not read the desired state", e);
            }
        }, 0, POLL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One look at the control schema: refreshes this process's liveness mark, reads a stop, a stop point, a cutover. */
    private Void look(Connection c, String owner, CutoverLedger cutovers) throws SQLException {
        store.setOwner(c, owner);
        if (store.find(c).map(r -> r.desiredState() == DesiredState.STOP).orElse(false)) {
            request("godwit stop");
        }
        store.stopAt(c).flatMap(text -> StopAt.parse(text, ZoneId.systemDefault())).ifPresent(point -> {
            if (!stopAt.getAndSet(Optional.of(point)).equals(Optional.of(point))) {
                log.info("cdc: stop point {} (godwit stop --at): every transaction committed up to it is applied,"
                        + " then the run stops", point);
            }
        });
        cutovers.pending(c).filter(r -> r.id() > lastCutoverTaken.get()).ifPresent(r -> {
            if (cutover.compareAndSet(null, r)) {
                log.info("cutover requested ({}): starting after the transaction at hand", r.requestedBy());
            }
        });
        return null;
    }

    /** Where CDC is to stop by itself, if anywhere. */
    Optional<StopAt> stopAt() {
        return stopAt.get();
    }

    boolean requested() {
        return reason.get() != null;
    }

    /** A cutover asked for by {@code godwit cutover} or by its schedule, not taken yet. */
    boolean cutoverRequested() {
        return cutover.get() != null;
    }

    /** Takes the pending cutover request; it is not offered again. */
    Optional<CutoverRequest> takeCutover() {
        CutoverRequest r = cutover.getAndSet(null);
        if (r != null) {
            lastCutoverTaken.accumulateAndGet(r.id(), Math::max);
        }
        return Optional.ofNullable(r);
    }

    String reason() {
        return reason.get();
    }

    void request(String why) {
        if (reason.compareAndSet(null, why)) {
            log.info("stop requested ({}): finishing the work at hand, then exiting; 'godwit resume' continues", why);
        }
    }

    /** A stop that ends the run as a failure (the slot governor's): the run says how to go on, not this. */
    void end(String why) {
        if (reason.compareAndSet(null, why)) {
            log.info("stopping the run ({}): finishing the work at hand", why);
        }
    }

    private void installSignalHandlers() {
        try {
            Signal.handle(new Signal("TERM"), s -> request("SIGTERM"));
            Signal.handle(new Signal("INT"), s -> {
                if (!reason.compareAndSet(null, "SIGINT")) {
                    log.warn("second SIGINT: aborting now; 'godwit resume' continues from the last committed unit");
                    Runtime.getRuntime().halt(130);
                }
                log.info("stop requested (SIGINT): finishing the work at hand; press Ctrl-C again to abort at once");
            });
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            log.debug("signal handlers not available here", e);
        }
    }

    /** Stops watching and releases the task, so other commands see at once that no process runs it. */
    @Override
    public void close() {
        poller.shutdownNow();
        try {
            if (poller.awaitTermination(5, TimeUnit.SECONDS)) {
                control.close(); // else a round still waits on it: it goes with the process
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Connection c = target.open("control")) {
            store.release(c);
        } catch (Exception e) {
            log.debug("could not release the task; the mark expires by itself within seconds", e);
        }
    }
}
