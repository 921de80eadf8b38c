package dev.godwit.orchestrator.fallback;

import dev.godwit.orchestrator.state.ControlSchema;
import dev.godwit.workers.cdc.stream.SlotInspector;
import dev.godwit.workers.pg.Lsn;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The way back as {@code godwit status} shows it, read from the target alone: the state of the reverse stream, and
 * while it streams, how far the source has applied (the reverse slot's confirmed position, which never passes what
 * the source committed) against the target's current position.
 *
 * @param lagBytes WAL of the target the source has not confirmed yet; empty when the slot is gone
 */
public record FallbackStatus(FallbackLedger.State state, String slot, Optional<Boolean> slotActive,
                             Optional<Lsn> applied, Optional<Lsn> targetPosition, Optional<Long> lagBytes,
                             Optional<Lsn> finalLsn, Optional<String> message) {

    public static Optional<FallbackStatus> read(Connection target, ControlSchema control, String task) throws SQLException {
        Optional<FallbackLedger.Entry> entry = new FallbackLedger(control, task).find(target);
        if (entry.isEmpty()) {
            return Optional.empty();
        }
        FallbackLedger.Entry e = entry.get();
        Optional<Boolean> active = Optional.empty();
        Optional<Lsn> applied = Optional.empty();
        Optional<Lsn> now = Optional.empty();
        Optional<Long> lag = Optional.empty();
        if (e.state() == FallbackLedger.State.STREAMING) {
            try (PreparedStatement ps = target.prepareStatement("SELECT active, confirmed_flush_lsn, pg_current_wal_lsn(),"
                    + " pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint FROM pg_replication_slots"
                    + " WHERE slot_name = ?")) {
                ps.setString(1, e.names().slot());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        active = Optional.of(rs.getBoolean(1));
                        applied = Optional.of(Lsn.parse(rs.getString(2)));
                        now = Optional.of(Lsn.parse(rs.getString(3)));
                        lag = Optional.of(rs.getLong(4));
                    }
                }
            }
            if (now.isEmpty()) {
                now = Optional.of(SlotInspector.currentWalLsn(target));
            }
        }
        return Optional.of(new FallbackStatus(e.state(), e.names().slot(), active, applied, now, lag, e.finalLsn(),
                e.message()));
    }

    /** One line for the text status. */
    public String line() {
        if (state == FallbackLedger.State.FALLEN_BACK) {
            return "fallback: done at " + finalLsn.map(Object::toString).orElse("?") + "; the source is the primary again";
        }
        return "fallback: the target's changes stream back to the source; source applied up to "
                + applied.map(Object::toString).orElse("?") + ", target at " + targetPosition.map(Object::toString).orElse("?")
                + ": reverse lag " + lagBytes.map(b -> b + " bytes").orElse("? (slot " + slot + " MISSING on the target)")
                + slotActive.map(a -> a ? ", slot " + slot + " active" : ", slot " + slot + " inactive (no process"
                + " streams it: 'godwit resume')").orElse("") + message.map(m -> "; last fallback attempt: " + m).orElse("");
    }
}
