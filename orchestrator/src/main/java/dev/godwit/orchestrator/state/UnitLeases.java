package dev.godwit.orchestrator.state;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;

/**
 * The leases on the units of one task's ledger, which make a unit copied twice harmless. Taking a unit bumps its epoch
 * in a transaction of its own; the unit is marked done, in the target transaction that holds its rows, only while the
 * epoch is still the one taken and the unit still pending. Any other copy (a worker declared dead that was only
 * stalled, a job Quartz ran again) then fails that last write and its transaction rolls back with its rows. The lease's
 * expiry, by the target's clock, only keeps a second worker from taking a unit whose holder still renews it: the epoch
 * alone keeps the ledger exact.
 */
public final class UnitLeases {
    private final ControlSchema schema;
    private final String task;

    public UnitLeases(ControlSchema schema, String task) {
        this.schema = schema;
        this.task = task;
    }

    /** A unit's final ledger write found the unit done or taken again since: its rows must not be committed. */
    public static final class LateDuplicate extends SQLException {
        LateDuplicate(String unitId, long epoch) {
            super("late duplicate refused: unit " + unitId + " is done or was taken again since epoch " + epoch
                    + " was taken", "55000");
        }
    }

    /** What taking a unit found. */
    public sealed interface Take {
        /** This caller holds the unit under {@code epoch}. */
        record Taken(long epoch) implements Take {
        }

        /** Another owner holds an unexpired lease on it: try again once it has expired. */
        record Held(String owner, Duration left) implements Take {
        }

        /** Nothing to copy: the unit is done, given up on, or not part of the current load's snapshot. */
        record Gone(String state) implements Take {
        }
    }

    /**
     * Takes a pending unit for {@code owner}, in a transaction of its own (the connection must not be in one).
     *
     * @param respectLease false when no other process can hold the task's units (the in-process load, whose task is
     *                     claimed by this process alone)
     * @param snapshot     when present, the unit is taken only while the task's recorded load snapshot is this one
     */
    public Take take(Connection c, String unitId, String owner, Duration lease, boolean respectLease,
                     Optional<String> snapshot) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            Take take = takeInTransaction(c, unitId, owner, lease, respectLease, snapshot);
            c.commit();
            return take;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    private Take takeInTransaction(Connection c, String unitId, String owner, Duration lease, boolean respectLease,
                                   Optional<String> snapshot) throws SQLException {
        if (snapshot.isPresent()) {
            // the task row is locked until the take commits: a new run (or a pause) that changes the recorded snapshot
            // waits for it, and a take that waited for one reads the snapshot it recorded. A check inside the UPDATE
            // would not do: when the UPDATE waits for the unit's row, READ COMMITTED rechecks the unit row only, and
            // the snapshot it compares with would be the one read before the wait
            try (PreparedStatement ps = c.prepareStatement("SELECT load_snapshot FROM " + schema.table("task")
                    + " WHERE name = ? FOR SHARE")) {
                ps.setString(1, task);
                try (ResultSet rs = ps.executeQuery()) {
                    String recorded = rs.next() ? rs.getString(1) : null;
                    if (!snapshot.get().equals(recorded)) {
                        return new Take.Gone("pending under another snapshot than " + snapshot.get());
                    }
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + schema.table("unit") + " u SET epoch = epoch + 1,"
                + " owner = ?, lease_expires_at = now() + ? * interval '1 millisecond', error = NULL"
                + " WHERE task = ? AND unit_id = ? AND state = 'pending'"
                + " AND (NOT ? OR u.owner IS NULL OR u.owner = ? OR u.lease_expires_at IS NULL OR u.lease_expires_at < now())"
                + " RETURNING epoch")) {
            ps.setString(1, owner);
            ps.setLong(2, lease.toMillis());
            ps.setString(3, task);
            ps.setString(4, unitId);
            ps.setBoolean(5, respectLease);
            ps.setString(6, owner);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return new Take.Taken(rs.getLong(1));
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT state, owner,"
                + " greatest(0, extract(epoch FROM lease_expires_at - now()) * 1000)::bigint"
                + " FROM " + schema.table("unit") + " WHERE task = ? AND unit_id = ?")) {
            ps.setString(1, task);
            ps.setString(2, unitId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return new Take.Gone("not in the ledger");
                }
                String state = rs.getString(1);
                if (!state.equals("pending")) {
                    return new Take.Gone(state);
                }
                return new Take.Held(rs.getString(2), Duration.ofMillis(rs.getLong(3)));
            }
        }
    }

    /** Whether the unit is still pending under {@code epoch}. */
    public boolean holds(Connection c, String unitId, long epoch) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + schema.table("unit")
                + " WHERE task = ? AND unit_id = ? AND state = 'pending' AND epoch = ?")) {
            ps.setString(1, task);
            ps.setString(2, unitId);
            ps.setLong(3, epoch);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Extends the leases of every pending unit {@code owner} still holds. */
    public int renew(Connection c, String owner, Duration lease) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + schema.table("unit")
                + " SET lease_expires_at = now() + ? * interval '1 millisecond'"
                + " WHERE task = ? AND owner = ? AND state = 'pending'")) {
            ps.setLong(1, lease.toMillis());
            ps.setString(2, task);
            ps.setString(3, owner);
            return ps.executeUpdate();
        }
    }

    /**
     * Marks a unit copied with the rows both COPYs reported, inside the unit's target transaction, so ledger, counts
     * and data commit together.
     *
     * @throws LateDuplicate when the unit is done already or was taken under a later epoch: roll back
     */
    public void done(Connection c, String unitId, long epoch, long rows, long sourceRows, long bytes, long millis)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + schema.table("unit") + " SET state = 'done', rows_copied = ?,"
                + " source_rows = ?, bytes_copied = ?, millis = ?, copied_at = now(), lease_expires_at = NULL"
                + " WHERE task = ? AND unit_id = ? AND state = 'pending' AND epoch = ?")) {
            ps.setLong(1, rows);
            ps.setLong(2, sourceRows);
            ps.setLong(3, bytes);
            ps.setLong(4, millis);
            ps.setString(5, task);
            ps.setString(6, unitId);
            ps.setLong(7, epoch);
            if (ps.executeUpdate() != 1) {
                throw new LateDuplicate(unitId, epoch);
            }
        }
    }

    /**
     * Records that the holder of {@code epoch} gave up on a unit: {@code failed} (with the error) or {@code rewritten}
     * (its relation was rewritten on the source after the snapshot). Nothing happens when the unit moved on since.
     */
    public boolean giveUp(Connection c, String unitId, long epoch, String state, String error) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + schema.table("unit") + " SET state = ?, error = ?,"
                + " lease_expires_at = NULL WHERE task = ? AND unit_id = ? AND state = 'pending' AND epoch = ?")) {
            ps.setString(1, state);
            ps.setString(2, error);
            ps.setString(3, task);
            ps.setString(4, unitId);
            ps.setLong(5, epoch);
            return ps.executeUpdate() == 1;
        }
    }

    /**
     * Begins a new run of the copy: every unit not done gets a new epoch, so that a copy still in flight from an
     * earlier run (a worker that outlived a killed coordinator, a stalled one) is refused, and the units that run gave
     * up on (failed, rewritten) are pending again. No unit can be taken until the new run records its snapshot: jobs
     * of the earlier run may still be handed out.
     */
    public int newRun(Connection c) throws SQLException {
        // the task row first, as a take locks it before the unit's: no deadlock between the two
        setLoadSnapshot(c, null);
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + schema.table("unit") + " SET state = 'pending',"
                + " epoch = epoch + 1, owner = NULL, lease_expires_at = NULL, error = NULL"
                + " WHERE task = ? AND state <> 'done'")) {
            ps.setString(1, task);
            return ps.executeUpdate();
        }
    }

    /** A unit's state as a coordinator follows it: pending, done, failed (with the error) or rewritten. */
    public record UnitState(String unitId, String state, long rows, long bytes, String error) {
    }

    /** Every unit's state, for a coordinator following units copied by other processes. */
    public java.util.List<UnitState> states(Connection c) throws SQLException {
        java.util.List<UnitState> out = new java.util.ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT unit_id, state, coalesce(rows_copied, 0),"
                + " coalesce(bytes_copied, 0), error FROM " + schema.table("unit") + " WHERE task = ?")) {
            ps.setString(1, task);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new UnitState(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getString(5)));
                }
            }
        }
        return out;
    }

    /** Records the snapshot the units are copied under while the load is spread over processes; null when not. */
    public void setLoadSnapshot(Connection c, String snapshot) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + schema.table("task") + " SET load_snapshot = ?"
                + " WHERE name = ?")) {
            ps.setString(1, snapshot);
            ps.setString(2, task);
            ps.executeUpdate();
        }
    }
}
