package dev.godwit.orchestrator.state;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The processes that copy one task's units, as they register and beat in the control schema. Ages are measured by the
 * target's clock, so machines with skewed clocks agree on them.
 */
public final class Workers {
    private final ControlSchema schema;
    private final String task;

    public Workers(ControlSchema schema, String task) {
        this.schema = schema;
        this.task = task;
    }

    /**
     * One registered process.
     *
     * @param heartbeatAge since its last heartbeat, by the target's clock
     * @param inHand       the units it is copying now
     */
    public record WorkerRow(String workerId, String host, long pid, int capacity, boolean coordinator,
                            Duration heartbeatAge, long unitsDone, List<String> inHand) {
    }

    public void register(Connection c, String workerId, String host, long pid, int capacity, boolean coordinator)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + schema.table("worker")
                + " (task, worker_id, host, pid, capacity, coordinator) VALUES (?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (task, worker_id) DO UPDATE SET host = excluded.host, pid = excluded.pid,"
                + " capacity = excluded.capacity, coordinator = excluded.coordinator, started_at = now(),"
                + " heartbeat_at = now(), units_done = 0, units_in_hand = '{}'")) {
            ps.setString(1, task);
            ps.setString(2, workerId);
            ps.setString(3, host);
            ps.setLong(4, pid);
            ps.setInt(5, capacity);
            ps.setBoolean(6, coordinator);
            ps.executeUpdate();
        }
    }

    /** Refreshes the heartbeat and the units in hand; false when the row is gone (the task was cleaned up). */
    public boolean beat(Connection c, String workerId, List<String> inHand) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + schema.table("worker")
                + " SET heartbeat_at = now(), units_in_hand = ? WHERE task = ? AND worker_id = ?")) {
            ps.setArray(1, c.createArrayOf("text", inHand.toArray()));
            ps.setString(2, task);
            ps.setString(3, workerId);
            return ps.executeUpdate() == 1;
        }
    }

    public void unitDone(Connection c, String workerId) throws SQLException {
        ControlStatements.update(c, "UPDATE " + schema.table("worker") + " SET units_done = units_done + 1"
                + " WHERE task = ? AND worker_id = ?", task, workerId);
    }

    public void deregister(Connection c, String workerId) throws SQLException {
        ControlStatements.update(c, "DELETE FROM " + schema.table("worker") + " WHERE task = ? AND worker_id = ?",
                task, workerId);
    }

    /** Forgets the processes silent for longer than {@code silence} (killed, their host lost); returns how many. */
    public int forgetSilent(Connection c, Duration silence) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + schema.table("worker")
                + " WHERE task = ? AND heartbeat_at < now() - ? * interval '1 millisecond'")) {
            ps.setString(1, task);
            ps.setLong(2, silence.toMillis());
            return ps.executeUpdate();
        }
    }

    /** The registered processes; none when the control schema predates worker processes. */
    public List<WorkerRow> list(Connection c) throws SQLException {
        List<WorkerRow> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NULL")) {
            ps.setString(1, schema.table("worker"));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getBoolean(1)) {
                    return out;
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT worker_id, host, pid, capacity, coordinator,"
                + " (extract(epoch FROM now() - heartbeat_at) * 1000)::bigint, units_done, units_in_hand FROM "
                + schema.table("worker") + " WHERE task = ? ORDER BY coordinator DESC, started_at, worker_id")) {
            ps.setString(1, task);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Array hand = rs.getArray(8);
                    out.add(new WorkerRow(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getInt(4),
                            rs.getBoolean(5), Duration.ofMillis(Math.max(0, rs.getLong(6))), rs.getLong(7),
                            Arrays.asList((String[]) hand.getArray())));
                }
            }
        }
        return out;
    }
}
