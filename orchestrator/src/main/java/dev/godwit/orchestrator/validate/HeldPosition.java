package dev.godwit.orchestrator.validate;

import dev.godwit.mappings.task.Task;
import dev.godwit.orchestrator.failure.FailureKind;
import dev.godwit.orchestrator.failure.GodwitException;
import dev.godwit.orchestrator.state.ControlSchema;
import dev.godwit.orchestrator.state.TaskStore;
import dev.godwit.workers.pg.Lsn;
import dev.godwit.workers.pg.PgConnector;
import dev.godwit.workers.pg.SnapshotSlot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * Both sides at one source position while changes stream: a temporary replication slot's exported snapshot fixes the
 * source position X, and the applier is asked (control table {@code apply_hold}) to apply exactly the source
 * transactions that commit before X and to wait there while the work reads the snapshot and the target, or writes
 * the target. Validation compares there; repair copies chunks there.
 */
final class HeldPosition {
    private static final Logger log = LoggerFactory.getLogger(HeldPosition.class);

    /** What runs at the position; {@code held} says whether the applier still waits there. */
    interface Work<T> {
        T run(PgConnector source, PgConnector target, SnapshotSlot slot, Held held) throws SQLException, InterruptedException;
    }

    /** Whether the hold still stands: checked before trusting (or committing) what was done at the position. */
    interface Held {
        void ensure() throws SQLException;
    }

    private HeldPosition() {
    }

    /** @param what names the work in logs and errors ("validation", "repair") */
    static <T> T run(Task task, PgConnector source, PgConnector target, ControlSchema control, Duration timeout,
                     String what, Work<T> work) throws SQLException, InterruptedException {
        // while the applier is held, a server going away ends the work at once instead of being waited for: a source
        // shutting down waits for the held applier to confirm what it was sent
        PgConnector heldSource = source.waitingForRestarts(Duration.ZERO);
        PgConnector heldTarget = target.waitingForRestarts(Duration.ZERO);
        try (HoldRequest request = HoldRequest.place(heldTarget, control, new TaskStore(control, task.name()), timeout)) {
            log.info("{}: asking the applier to pause", what);
            request.awaitReached(Lsn.INVALID, timeout);
            try (SnapshotSlot slot = SnapshotSlot.create(heldSource, temporarySlotName(task), true)) {
                Lsn position = slot.consistentPoint();
                request.moveTo(position);
                nudge(heldSource);
                log.info("{}: source snapshot at {}; waiting for the applier to apply everything before it", what,
                        position);
                request.awaitReached(position, timeout);
                log.info("{}: the applier holds at {}", what, position);
                return work.run(heldSource, heldTarget, slot, () -> {
                    if (!request.stillHeld(position)) {
                        throw new GodwitException(FailureKind.FAILED, "the hold on the applier lapsed during the " + what
                                + " (its lease could not be renewed), so the target was not at the source's position;"
                                + " run it again");
                    }
                });
            }
        }
    }

    /** A temporary slot of this process: its name must not clash with another's on the same server. */
    private static String temporarySlotName(Task task) {
        String suffix = "_v" + ProcessHandle.current().pid();
        String base = task.settings().slotName();
        return (base.length() + suffix.length() > 63 ? base.substring(0, 63 - suffix.length()) : base) + suffix;
    }

    /**
     * A little WAL after the snapshot's position, so that an idle applier hears (from the server's keepalive) that
     * nothing commits before it any more; the heartbeat would do the same within its interval.
     */
    private static void nudge(PgConnector source) {
        try (Connection s = source.open("hold"); Statement st = s.createStatement()) {
            st.execute("SELECT pg_logical_emit_message(false, 'godwit_validation', 'hold')");
        } catch (SQLException | RuntimeException e) {
            log.debug("could not emit a logical message on the source; the heartbeat will move the position", e);
        }
    }
}
