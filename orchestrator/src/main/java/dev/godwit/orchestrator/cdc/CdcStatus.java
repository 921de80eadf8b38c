package dev.godwit.orchestrator.cdc;

import dev.godwit.orchestrator.state.ControlCheckpoint;
import dev.godwit.orchestrator.state.ControlSchema;
import dev.godwit.workers.cdc.stream.SlotInspector;
import dev.godwit.workers.pg.Lsn;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Where change data capture stands, for {@code status}: the checkpoint on the target against the source's position,
 * the slot's retained WAL, the latest apply rate, and the apply exceptions recorded.
 *
 * @param checkpoint       what the target has applied (commit end LSN, or an idle position)
 * @param lastCommit       source commit time of the last applied transaction
 * @param sourcePosition   the source's current WAL position (empty when the source was not reached)
 * @param lagBytes         WAL between the checkpoint and the source's position
 * @param lagSeconds       0 when caught up; otherwise the age of the last applied source commit
 * @param slot             the slot as the source reports it
 * @param slotFailover     whether the slot is a failover slot (empty: no slot, or a source older than PostgreSQL 17)
 * @param transactionsPerSecond, changesPerSecond, rateAt the applier's latest progress line
 * @param exceptions       changes recorded in {@code apply_exception} (errorPolicy log-and-continue)
 * @param sourceProblem    why the source could not be read, if it could not
 */
public record CdcStatus(Optional<Lsn> checkpoint, Optional<Instant> lastCommit, Optional<Lsn> sourcePosition,
                        Optional<Long> lagBytes, Optional<Long> lagSeconds, Optional<SlotInspector.SlotState> slot,
                        Optional<Boolean> slotFailover, Optional<Double> transactionsPerSecond,
                        Optional<Double> changesPerSecond, Optional<Instant> rateAt, long exceptions, Optional<String> sourceProblem) {

    /** @param source empty when the source could not be reached ({@code sourceProblem} says why) */
    public static CdcStatus read(Connection target, Optional<Connection> source, Optional<String> sourceProblem,
                                 ControlSchema control, String task, String slotName) throws SQLException {
        Optional<ControlCheckpoint.State> cp = ControlCheckpoint.read(target, control, task);
        Optional<Lsn> checkpoint = cp.map(ControlCheckpoint.State::lsn);
        Optional<Instant> lastCommit = cp.map(ControlCheckpoint.State::commitTime);
        Optional<Lsn> position = Optional.empty();
        Optional<SlotInspector.SlotState> slot = Optional.empty();
        Optional<Boolean> failover = Optional.empty();
        if (source.isPresent()) {
            position = Optional.of(SlotInspector.currentWalLsn(source.get()));
            slot = SlotInspector.slot(source.get(), slotName);
            failover = SlotInspector.failover(source.get(), slotName);
        }
        Optional<Long> lagBytes = Optional.empty();
        Optional<Long> lagSeconds = Optional.empty();
        if (checkpoint.isPresent() && position.isPresent()) {
            long bytes = Math.max(0, position.get().bytesSince(checkpoint.get()));
            lagBytes = Optional.of(bytes);
            lagSeconds = bytes == 0 ? Optional.of(0L)
                    : lastCommit.map(c -> Math.max(0, Duration.between(c, Instant.now()).toSeconds()));
        }
        Optional<Double> tps = Optional.empty();
        Optional<Double> cps = Optional.empty();
        Optional<Instant> at = Optional.empty();
        try (PreparedStatement ps = target.prepareStatement("SELECT transactions_per_second, changes_per_second, updated_at"
                + " FROM " + control.table("cdc_progress") + " WHERE task = ?")) {
            ps.setString(1, task);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    tps = Optional.of(rs.getDouble(1));
                    cps = Optional.of(rs.getDouble(2));
                    at = Optional.of(rs.getTimestamp(3)).map(Timestamp::toInstant);
                }
            }
        }
        long exceptions;
        try (PreparedStatement ps = target.prepareStatement("SELECT count(*) FROM " + control.table("apply_exception")
                + " WHERE task = ?")) {
            ps.setString(1, task);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                exceptions = rs.getLong(1);
            }
        }
        return new CdcStatus(checkpoint, lastCommit, position, lagBytes, lagSeconds, slot, failover, tps, cps, at,
                exceptions, sourceProblem);
    }
}
