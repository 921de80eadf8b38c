package dev.godwit.orchestrator.scaleout;

import dev.godwit.orchestrator.load.UnitCopier;
import dev.godwit.orchestrator.load.UnitWork;
import dev.godwit.orchestrator.state.UnitLeases;
import dev.godwit.orchestrator.state.Workers;
import dev.godwit.workers.copy.RewriteCheck;
import dev.godwit.workers.pg.PgConnector;
import dev.godwit.workers.pg.SqlStates;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Copies the units Quartz hands this process: takes each one's lease under the snapshot the coordinator recorded,
 * waits while another live holder's lease runs, copies it, and records in the ledger a unit it gives up on (failed,
 * or its relation rewritten on the source), so that the coordinator learns of it. Keeps one source and one target
 * session per Quartz thread between units.
 */
final class UnitRunner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(UnitRunner.class);
    /** Attempts at a unit that fails with a transient error (a lost connection, a server restart). */
    private static final int ATTEMPTS = 4;
    /** The longest wait before looking again at a unit another holder's lease keeps. */
    private static final Duration HELD_POLL = Duration.ofSeconds(2);

    private final PgConnector source;
    private final PgConnector target;
    private final UnitLeases leases;
    private final Workers workers;
    private final String workerId;
    private final ConcurrentLinkedQueue<UnitCopier> idle = new ConcurrentLinkedQueue<>();
    private final List<UnitCopier> all = new ArrayList<>();
    private final Set<String> inHand = ConcurrentHashMap.newKeySet();
    private final AtomicLong copied = new AtomicLong();

    UnitRunner(PgConnector source, PgConnector target, UnitLeases leases, Workers workers, String workerId) {
        this.source = source;
        this.target = target;
        this.leases = leases;
        this.workers = workers;
        this.workerId = workerId;
    }

    /** The units this process is copying now. */
    List<String> inHand() {
        return List.copyOf(inHand);
    }

    long unitsCopied() {
        return copied.get();
    }

    void run(UnitWork unit, String snapshot, boolean recovering) throws InterruptedException {
        UnitCopier copier = borrow();
        try {
            if (recovering) {
                log.info("unit {}: run again, its worker having been declared dead", unit.unitId());
            }
            UnitLeases.Take take;
            while ((take = copier.take(unit.unitId(), true, Optional.of(snapshot))) instanceof UnitLeases.Take.Held held) {
                log.debug("unit {} is leased by {} for {} ms more: waiting", unit.unitId(), held.owner(), held.left().toMillis());
                Thread.sleep(Math.min(HELD_POLL.toMillis(), held.left().toMillis() + 100));
            }
            if (take instanceof UnitLeases.Take.Gone gone) {
                log.info("unit {} not taken: it is {}", unit.unitId(), gone.state());
                return;
            }
            copy(copier, unit, snapshot, ((UnitLeases.Take.Taken) take).epoch());
        } catch (SQLException | RuntimeException e) {
            log.warn("unit {}: {}", unit.unitId(), e.getMessage());
        } finally {
            idle.add(copier);
        }
    }

    private void copy(UnitCopier copier, UnitWork unit, String snapshot, long epoch) throws InterruptedException {
        inHand.add(unit.unitId());
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    UnitCopier.Outcome outcome = copier.copyTaken(unit, snapshot, epoch, n -> { });
                    if (outcome instanceof UnitCopier.Outcome.Copied c) {
                        copied.incrementAndGet();
                        record(c2 -> workers.unitDone(c2, workerId));
                        log.info("unit {} copied by {}: {} rows, {} bytes in {} ms", unit.unitId(), workerId,
                                c.result().rows(), c.result().bytes(), c.result().millis());
                    } else if (outcome instanceof UnitCopier.Outcome.NotMine m) {
                        log.warn("unit {}: {}", unit.unitId(), m.why());
                    }
                    return;
                } catch (RewriteCheck.RelationRewritten e) {
                    giveUp(unit, epoch, "rewritten", e.getMessage());
                    return;
                } catch (SQLException e) {
                    if (attempt >= ATTEMPTS || !SqlStates.isTransient(e)) {
                        giveUp(unit, epoch, "failed", e.getMessage());
                        return;
                    }
                    log.warn("unit {}: retrying after a transient error (attempt {}): {}", unit.unitId(), attempt,
                            e.getMessage());
                    Thread.sleep(1000L << (attempt - 1));
                }
            }
        } finally {
            inHand.remove(unit.unitId());
        }
    }

    private void giveUp(UnitWork unit, long epoch, String state, String why) {
        log.warn("unit {} given up ({}): {}", unit.unitId(), state, why);
        record(c -> leases.giveUp(c, unit.unitId(), epoch, state, why));
    }

    private interface ControlWrite {
        void run(Connection c) throws SQLException;
    }

    private void record(ControlWrite write) {
        try (Connection c = target.open("control")) {
            write.run(c);
        } catch (SQLException | RuntimeException e) {
            log.warn("could not record in the control schema: {}", e.getMessage());
        }
    }

    private UnitCopier borrow() {
        UnitCopier c = idle.poll();
        if (c != null) {
            return c;
        }
        c = new UnitCopier(source, target, leases, workerId);
        synchronized (all) {
            all.add(c);
        }
        return c;
    }

    @Override
    public void close() {
        synchronized (all) {
            all.forEach(UnitCopier::close);
        }
    }
}
