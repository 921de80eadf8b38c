package dev.godwit.orchestrator.cutover;

import dev.godwit.orchestrator.state.ControlSchema;
import dev.godwit.orchestrator.state.CutoverState;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The {@code cutover} table of the control schema: requests written by {@code godwit cutover} or by the schedule, taken
 * by the process that runs the task, and their outcome with the report's figures. Being in the target database, it
 * works across machines exactly like {@code godwit stop}.
 */
public final class CutoverLedger {
    private final ControlSchema schema;
    private final String task;

    public CutoverLedger(ControlSchema schema, String task) {
        this.schema = schema;
        this.task = task;
    }

    /** Records a request, replacing one that is still waiting (the later request wins, as for the schedule). */
    public long request(Connection c, String requestedBy, boolean fence, boolean acceptDifferences) throws SQLException {
        return request(c, requestedBy, fence, acceptDifferences, false);
    }

    /** As {@link #request(Connection, String, boolean, boolean)}, with the reverse stream asked for or not. */
    public long request(Connection c, String requestedBy, boolean fence, boolean acceptDifferences,
                        boolean withFallback) throws SQLException {
        try (PreparedStatement del = c.prepareStatement("DELETE FROM " + schema.table("cutover")
                + " WHERE task = ? AND state = 'requested'")) {
            del.setString(1, task);
            del.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + schema.table("cutover")
                + " (task, requested_by, fence, accept_differences, with_fallback) VALUES (?, ?, ?, ?, ?) RETURNING id")) {
            ps.setString(1, task);
            ps.setString(2, requestedBy);
            ps.setBoolean(3, fence);
            ps.setBoolean(4, acceptDifferences);
            ps.setBoolean(5, withFallback);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * Records a request refused before it was made, with why: a scheduled cutover whose window passed. It reads in
     * {@code status} as the last cutover, failed, with the message.
     */
    public void refused(Connection c, String requestedBy, boolean fence, String message) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + schema.table("cutover")
                + " (task, requested_by, fence, state, finished_at, message) VALUES (?, ?, ?, ?, now(), ?)")) {
            ps.setString(1, task);
            ps.setString(2, requestedBy);
            ps.setBoolean(3, fence);
            ps.setString(4, CutoverState.FAILED.stored());
            ps.setString(5, message);
            ps.executeUpdate();
        }
    }

    /** The oldest request nobody has taken yet. */
    public Optional<CutoverRequest> pending(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, requested_by, fence, accept_differences, with_fallback FROM "
                + schema.table("cutover")
                + " WHERE task = ? AND state = 'requested' ORDER BY id LIMIT 1")) {
            ps.setString(1, task);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new CutoverRequest(rs.getLong(1), rs.getString(2), rs.getBoolean(3),
                        rs.getBoolean(4), rs.getBoolean(5)))
                        : Optional.empty();
            }
        }
    }

    public void started(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + schema.table("cutover")
                + " SET state = 'running', started_at = now() WHERE id = ?")) {
            ps.setLong(1, id);
            ps.executeUpdate();
        }
    }

    /** The fence stopped the source's writes now (the database's clock, as for the other times). */
    public void fenced(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + schema.table("cutover") + " SET fenced_at = now()"
                + " WHERE id = ?")) {
            ps.setLong(1, id);
            ps.executeUpdate();
        }
    }

    public void finished(Connection c, long id, CutoverReport report) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + schema.table("cutover")
                + " SET state = ?, finished_at = now(), lag_bytes_at_start = ?, lag_bytes_at_fence = ?, final_lsn = ?::pg_lsn,"
                + " catch_up_millis = ?, sequences_set = ?, rows_validated = ?, message = ? WHERE id = ?")) {
            ps.setString(1, (report.done() ? CutoverState.DONE : CutoverState.FAILED).stored());
            ps.setLong(2, report.lagBytesAtStart());
            ps.setLong(3, report.lagBytesAtFence());
            ps.setString(4, report.finalLsn().map(Object::toString).orElse(null));
            ps.setLong(5, report.catchUp().toMillis());
            ps.setInt(6, report.sequencesSet());
            ps.setObject(7, report.rowsValidated().orElse(null));
            ps.setString(8, report.failure().orElse(null));
            ps.setLong(9, id);
            ps.executeUpdate();
        }
    }

    /**
     * A request or run as recorded, for the waiting command and for status.
     *
     * @param fenced how long the source's writes have been stopped by this cutover's fence: from the fence to the end
     *               of the cutover (done, or failed and the fence lifted), or to now while it runs; empty without one
     */
    public record Entry(long id, String requestedBy, boolean fence, CutoverState state, Instant requestedAt,
                        Optional<Instant> finishedAt, Optional<String> message, Optional<Duration> fenced) {
        public boolean finished() {
            return state.finished();
        }
    }

    public Optional<Entry> find(Connection c, long id) throws SQLException {
        return query(c, "id = " + id);
    }

    public Optional<Entry> latest(Connection c) throws SQLException {
        return query(c, "true");
    }

    private Optional<Entry> query(Connection c, String condition) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, requested_by, fence, state, requested_at, finished_at,"
                + " message, (extract(epoch FROM coalesce(finished_at, now()) - fenced_at) * 1000)::bigint FROM " + schema.table("cutover") + " WHERE task = ? AND " + condition + " ORDER BY id DESC LIMIT 1")) {
            ps.setString(1, task);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Timestamp finished = rs.getTimestamp(6);
                return Optional.of(new Entry(rs.getLong(1), rs.getString(2), rs.getBoolean(3), CutoverState.of(rs.getString(4)),
                        rs.getTimestamp(5).toInstant(), Optional.ofNullable(finished).map(Timestamp::toInstant),
                        Optional.ofNullable(rs.getString(7)), Optional.ofNullable((Long) rs.getObject(8)).map(Duration::ofMillis)));
            }
        }
    }
}
