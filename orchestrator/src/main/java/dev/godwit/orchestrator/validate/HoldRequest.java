package dev.godwit.orchestrator.validate;

import dev.godwit.orchestrator.failure.FailureKind;
import dev.godwit.orchestrator.failure.GodwitException;
import dev.godwit.orchestrator.state.ControlSchema;
import dev.godwit.orchestrator.state.ControlStatements;
import dev.godwit.orchestrator.state.Owners;
import dev.godwit.orchestrator.state.TaskStore;
import dev.godwit.workers.pg.Lsn;
import dev.godwit.workers.pg.PgConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The validator's side of a hold on the task's applier (the control table {@code apply_hold}). The request is a
 * lease: it expires 30 s after its last renewal, so an applier is never held by a validator that died; this
 * object renews it every 5 s while it is open, and withdraws it on close.
 */
final class HoldRequest implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HoldRequest.class);
    static final String LEASE = "30 seconds";
    private static final long RENEW_SECONDS = 5;
    private static final Duration POLL = Duration.ofMillis(200);

    private final PgConnector target;
    private final Connection control;
    private final ControlSchema schema;
    private final TaskStore store;
    private final ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "validation-hold-lease");
        t.setDaemon(true);
        return t;
    });

    private HoldRequest(PgConnector target, Connection control, ControlSchema schema, TaskStore store) {
        this.target = target;
        this.control = control;
        this.schema = schema;
        this.store = store;
    }

    /**
     * Asks the applier to pause at its next transaction boundary; refuses while another validation holds it.
     *
     * @param maxPause the longest the applier stays paused for this request; past it, it goes on without it
     */
    static HoldRequest place(PgConnector target, ControlSchema schema, TaskStore store, Duration maxPause)
            throws SQLException {
        Connection c = target.open("validation hold");
        try {
            // another validation of the task (the automatic one, say) holds the applier: this one waits its turn
            long deadline = System.nanoTime() + maxPause.toNanos();
            boolean waitingLogged = false;
            int placed;
            while ((placed = tryPlace(c, schema, store, maxPause)) == 0 && System.nanoTime() < deadline) {
                if (!waitingLogged) {
                    log.info("validation: another validation of task {} holds the applier ({}); waiting for it to finish",
                            store.task(), holder(c, schema, store.task()));
                    waitingLogged = true;
                }
                Thread.sleep(1000);
            }
            if (placed == 0) {
                throw new GodwitException(FailureKind.FAILED, "another validation of task '" + store.task()
                        + "' is holding its applier right now; run validate again when it has finished");
            }
        } catch (InterruptedException e) {
            c.close();
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for another validation", e);
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
        HoldRequest hold = new HoldRequest(target, c, schema, store);
        hold.renewer.scheduleWithFixedDelay(hold::renew, RENEW_SECONDS, RENEW_SECONDS, TimeUnit.SECONDS);
        return hold;
    }

    /** One attempt: 1 when this process now holds the task's applier, 0 when another holder does. */
    private static int tryPlace(Connection c, ControlSchema schema, TaskStore store, Duration maxPause) throws SQLException {
        ControlStatements.update(c, "DELETE FROM " + schema.table("apply_hold") + " WHERE task = ? AND expires_at <= now()", store.task());
        String holder = holder(c, schema, store.task());
        if (Owners.deadOnThisHost(holder)) {
            ControlStatements.update(c, "DELETE FROM " + schema.table("apply_hold") + " WHERE task = ? AND holder = ?", store.task(), holder);
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + schema.table("apply_hold")
                + " (task, hold_lsn, expires_at, holder, max_pause)"
                + " VALUES (?, '0/0', now() + interval '" + LEASE + "', ?, make_interval(secs => ?))"
                + " ON CONFLICT (task) DO NOTHING")) {
            ps.setString(1, store.task());
            ps.setString(2, Owners.self());
            ps.setLong(3, Math.max(1, maxPause.toSeconds()));
            return ps.executeUpdate();
        }
    }

    private static String holder(Connection c, ControlSchema schema, String task) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT holder FROM " + schema.table("apply_hold") + " WHERE task = ?")) {
            ps.setString(1, task);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** Moves the request to {@code position}: the applier applies what commits before it, and pauses there. */
    void moveTo(Lsn position) throws SQLException {
        synchronized (control) {
            ControlStatements.update(control, "UPDATE " + schema.table("apply_hold") + " SET hold_lsn = ?::pg_lsn, reached_lsn = NULL,"
                    + " reached_at = NULL WHERE task = ?", position.toString(), store.task());
        }
    }

    /**
     * Waits until the applier reports that it pauses at {@code position}. Fails when {@code timeout} passes, or when
     * no live process runs the task any more (nobody would ever answer).
     */
    void awaitReached(Lsn position, Duration timeout) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            synchronized (control) {
                try (PreparedStatement ps = control.prepareStatement("SELECT reached_at IS NOT NULL FROM "
                        + schema.table("apply_hold") + " WHERE task = ? AND hold_lsn = ?::pg_lsn")) {
                    ps.setString(1, store.task());
                    ps.setString(2, position.toString());
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next() && rs.getBoolean(1)) {
                            return;
                        }
                    }
                }
                if (!store.find(control).map(TaskStore.TaskRow::ownerAlive).orElse(false)) {
                    throw new GodwitException(FailureKind.FAILED, "no godwit process is applying the changes of task '"
                            + store.task() + "' any more (it stopped or failed while validation waited for it to reach "
                            + position + "); see 'godwit status'");
                }
            }
            if (System.nanoTime() > deadline) {
                throw new GodwitException(FailureKind.FAILED, "the applier of task '" + store.task() + "' did not reach "
                        + "source position " + position + " within " + timeout.toSeconds() + " s (it lags behind the "
                        + "source, or a large transaction is being applied); try again later or with a longer --hold-timeout");
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    /**
     * Whether the applier still holds where it reported: false when the lease lapsed (renewals failed) and the
     * applier may have gone on while the target was read.
     */
    boolean stillHeld(Lsn position) throws SQLException {
        synchronized (control) {
            try (PreparedStatement ps = control.prepareStatement("SELECT 1 FROM " + schema.table("apply_hold")
                    + " WHERE task = ? AND hold_lsn = ?::pg_lsn AND reached_at IS NOT NULL AND expires_at > now()")) {
                ps.setString(1, store.task());
                ps.setString(2, position.toString());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        }
    }

    private void renew() {
        synchronized (control) {
            try {
                ControlStatements.update(control, "UPDATE " + schema.table("apply_hold") + " SET expires_at = now() + interval '" + LEASE
                        + "' WHERE task = ?", store.task());
            } catch (SQLException e) {
                log.warn("could not renew the validation hold on the applier: {}", e.getMessage());
            }
        }
    }

    /**
     * Withdraws the request: the applier goes on. When the request's own connection was lost (a target restart), a
     * new one withdraws it, so that the hold never outlives the validation that asked for it by its lease.
     */
    @Override
    public void close() throws SQLException {
        renewer.shutdownNow();
        String withdraw = "DELETE FROM " + schema.table("apply_hold") + " WHERE task = ? AND holder = ?";
        synchronized (control) {
            try {
                ControlStatements.update(control, withdraw, store.task(), Owners.self());
                return;
            } catch (SQLException e) {
                log.info("withdrawing the validation hold on a new connection ({})", e.getMessage());
            } finally {
                control.close();
            }
        }
        try (Connection c = target.open("validation hold")) {
            ControlStatements.update(c, withdraw, store.task(), Owners.self());
        }
    }
}
