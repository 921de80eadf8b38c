package dev.godwit.orchestrator.state;

import dev.godwit.workers.cdc.apply.ParallelCheckpoint;
import dev.godwit.workers.pg.Lsn;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The CDC checkpoint in the control schema: the end LSN of the last source transaction whose changes the target
 * holds, written by the applier inside the same target transaction as those changes; under parallel apply, with the
 * source transactions committed above it in {@code applied_transaction}.
 */
public final class ControlCheckpoint implements ParallelCheckpoint {
    private final ControlSchema schema;
    private final String task;
    private final Connection reader;

    /** @param reader a connection to read the checkpoint at start (the applier writes through its own) */
    public ControlCheckpoint(ControlSchema schema, String task, Connection reader) {
        this.schema = schema;
        this.task = task;
        this.reader = reader;
    }

    @Override
    public void write(Connection target, Lsn commitEndLsn, Instant commitTime) throws SQLException {
        try (PreparedStatement ps = target.prepareStatement("INSERT INTO " + schema.table("checkpoint")
                + " (task, lsn, commit_time, updated_at) VALUES (?, ?::pg_lsn, ?, now())"
                + " ON CONFLICT (task) DO UPDATE SET lsn = excluded.lsn, commit_time = excluded.commit_time, updated_at = now()")) {
            ps.setString(1, task);
            ps.setString(2, commitEndLsn.toString());
            ps.setTimestamp(3, commitTime == null ? null : Timestamp.from(commitTime));
            ps.executeUpdate();
        }
    }

    /**
     * Records a position reached with nothing to apply (the stream's idle rule), before the slot is told of it: the
     * slot is then never confirmed beyond the recorded checkpoint, which a restart checks.
     */
    public void advanceIdle(Connection target, Lsn position) throws SQLException {
        try (PreparedStatement ps = target.prepareStatement("INSERT INTO " + schema.table("checkpoint")
                + " (task, lsn, updated_at) VALUES (?, ?::pg_lsn, now())"
                + " ON CONFLICT (task) DO UPDATE SET lsn = greatest(" + schema.table("checkpoint") + ".lsn, excluded.lsn),"
                + " updated_at = now()")) {
            ps.setString(1, task);
            ps.setString(2, position.toString());
            ps.executeUpdate();
        }
    }

    @Override
    public Lsn current() throws SQLException {
        return read(reader, schema, task).map(State::lsn).orElse(Lsn.INVALID);
    }

    @Override
    public Set<Lsn> appliedAbove() throws SQLException {
        Set<Lsn> applied = new HashSet<>();
        try (PreparedStatement ps = reader.prepareStatement("SELECT a.commit_lsn::text FROM "
                + schema.table("applied_transaction") + " a LEFT JOIN " + schema.table("checkpoint")
                + " c ON c.task = a.task WHERE a.task = ? AND (c.lsn IS NULL OR a.commit_lsn >= c.lsn)")) {
            ps.setString(1, task);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    applied.add(Lsn.parse(rs.getString(1)));
                }
            }
        }
        return applied;
    }

    @Override
    public void recordApplied(Connection target, List<Lsn> commitLsns) throws SQLException {
        try (PreparedStatement ps = target.prepareStatement("INSERT INTO " + schema.table("applied_transaction")
                + " (task, commit_lsn) SELECT ?, unnest(?::pg_lsn[]) ON CONFLICT DO NOTHING")) {
            ps.setString(1, task);
            ps.setArray(2, target.createArrayOf("text", commitLsns.stream().map(Lsn::toString).toArray()));
            ps.executeUpdate();
        }
    }

    /** One statement, so one commit: the checkpoint moves and what it now covers is forgotten together. */
    @Override
    public void advance(Connection control, Lsn commitEndLsn, Instant commitTime) throws SQLException {
        try (PreparedStatement ps = control.prepareStatement("WITH forgotten AS (DELETE FROM "
                + schema.table("applied_transaction") + " WHERE task = ? AND commit_lsn < ?::pg_lsn)"
                + " INSERT INTO " + schema.table("checkpoint") + " (task, lsn, commit_time, updated_at)"
                + " VALUES (?, ?::pg_lsn, ?, now()) ON CONFLICT (task) DO UPDATE SET"
                + " lsn = greatest(" + schema.table("checkpoint") + ".lsn, excluded.lsn),"
                + " commit_time = excluded.commit_time, updated_at = now()")) {
            ps.setString(1, task);
            ps.setString(2, commitEndLsn.toString());
            ps.setString(3, task);
            ps.setString(4, commitEndLsn.toString());
            ps.setTimestamp(5, commitTime == null ? null : Timestamp.from(commitTime));
            ps.executeUpdate();
        }
    }

    /** The checkpoint as recorded, with the source commit time of its transaction. */
    public record State(Lsn lsn, Instant commitTime, Instant updatedAt) {
    }

    public static java.util.Optional<State> read(Connection c, ControlSchema schema, String task) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT lsn::text, commit_time, updated_at FROM "
                + schema.table("checkpoint") + " WHERE task = ?")) {
            ps.setString(1, task);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return java.util.Optional.empty();
                }
                Timestamp commit = rs.getTimestamp(2);
                return java.util.Optional.of(new State(Lsn.parse(rs.getString(1)),
                        commit == null ? null : commit.toInstant(), rs.getTimestamp(3).toInstant()));
            }
        }
    }
}
