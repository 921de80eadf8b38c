package dev.godwit.orchestrator.state;

import dev.godwit.workers.pg.Lsn;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/** Reads and writes one task's rows in the control schema. Every method runs in the caller's transaction. */
public final class TaskStore {
    private final ControlSchema schema;
    private final String task;

    public TaskStore(ControlSchema schema, String task) {
        this.schema = schema;
        this.task = task;
    }

    public String task() {
        return task;
    }

    public ControlSchema controlSchema() {
        return schema;
    }

    /** The task's row as last written. */
    /**
     * @param ownerAlive whether the owning process refreshed its mark within the last 10 seconds (by the target's
     *                   clock, so machines with skewed clocks agree)
     * @param released   whether the last owner let go of the task (a clean end, a stop, a failure it handled); an
     *                   owner that is gone without releasing it was killed or crashed
     */
    public record TaskRow(String name, String type, Phase phase, DesiredState desiredState, String slotName,
                          String publicationName, Optional<Lsn> consistentPoint, String owner, boolean ownerAlive,
                          java.time.OffsetDateTime createdAt, java.time.OffsetDateTime updatedAt, boolean released) {
    }

    /**
     * One unit of the ledger.
     *
     * @param rows       the rows the target's COPY wrote (0 until done)
     * @param sourceRows the rows the source's COPY sent; empty until done, and for a unit copied by a godwit that did
     *                   not record them
     */
    public record UnitRow(String unitId, String tableKey, String sourceRelation, String kind, Optional<String> predicate,
                          long estimatedBytes, int ordinal, boolean done, long rows, long bytes, long millis,
                          OptionalLong sourceRows) {
    }

    /** One table's load state. */
    public record TableRow(String tableKey, String sourceName, TableState state, Optional<Lsn> syncLsn, long rows, long bytes) {
    }

    public Optional<TaskRow> find(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT name, type, phase, desired_state, slot_name, publication_name, "
                + "consistent_point::text, owner, coalesce(owner_seen_at > now() - interval '10 seconds', false), created_at, updated_at,"
                + " owner_seen_at IS NULL"
                + " FROM " + schema.table("task") + " WHERE name = ?")) {
            ps.setString(1, task);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new TaskRow(rs.getString(1), rs.getString(2), Phase.valueOf(rs.getString(3)),
                        DesiredState.of(rs.getString(4)), rs.getString(5), rs.getString(6),
                        Optional.ofNullable(rs.getString(7)).map(Lsn::parse), rs.getString(8), rs.getBoolean(9),
                        rs.getObject(10, java.time.OffsetDateTime.class), rs.getObject(11, java.time.OffsetDateTime.class),
                        rs.getBoolean(12)));
            }
        }
    }

    public void create(Connection c, String type, String slotName, String publicationName, String owner) throws SQLException {
        ControlStatements.update(c, "INSERT INTO " + schema.table("task") + " (name, type, phase, slot_name, publication_name, owner, owner_seen_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, now())", task, type, Phase.PLANNED.name(), slotName, publicationName, owner);
    }

    /** Records what a worker joining by the control URL needs: the source's URL (without a password), the parallelism. */
    public void setJoinInfo(Connection c, String sourceUrl, int parallelism) throws SQLException {
        ControlStatements.update(c, "UPDATE " + schema.table("task") + " SET source_url = ?, parallelism = ?::int"
                + " WHERE name = ?", sourceUrl, Integer.toString(parallelism), task);
    }

    /** What {@link #setJoinInfo} recorded; empty when the task is not there or an older godwit recorded it. */
    public Optional<JoinInfo> joinInfo(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT source_url, parallelism FROM " + schema.table("task")
                + " WHERE name = ? AND source_url IS NOT NULL")) {
            ps.setString(1, task);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new JoinInfo(rs.getString(1), rs.getInt(2))) : Optional.empty();
            }
        }
    }

    /** The source as a task's file names it (no password) and its full load's parallelism. */
    public record JoinInfo(String sourceUrl, int parallelism) {
    }

    /** The names of the tasks recorded in {@code schema}, in order. */
    public static List<String> names(Connection c, ControlSchema schema) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT name FROM " + schema.table("task") + " ORDER BY name");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    public void setPhase(Connection c, Phase phase) throws SQLException {
        ControlStatements.update(c, "UPDATE " + schema.table("task") + " SET phase = ?, updated_at = now() WHERE name = ?", phase.name(), task);
    }

    public void setConsistentPoint(Connection c, Lsn lsn) throws SQLException {
        ControlStatements.update(c, "UPDATE " + schema.table("task") + " SET consistent_point = ?::pg_lsn, updated_at = now() WHERE name = ?",
                lsn.toString(), task);
    }

    public void setOwner(Connection c, String owner) throws SQLException {
        ControlStatements.update(c, "UPDATE " + schema.table("task") + " SET owner = ?, owner_seen_at = now() WHERE name = ?", owner, task);
    }

    /** Marks that no process runs the task any more (a clean end, a stop, or a failure this process handled). */
    public void release(Connection c) throws SQLException {
        ControlStatements.update(c, "UPDATE " + schema.table("task") + " SET owner_seen_at = NULL WHERE name = ?", task);
    }

    /** The stop point 'godwit stop --at' recorded (its text), or none: cleared once CDC reached it. */
    public void setStopAt(Connection c, Optional<String> stopAt) throws SQLException {
        ControlStatements.update(c, "UPDATE " + schema.table("task") + " SET stop_at = ?, updated_at = now() WHERE name = ?",
                stopAt.orElse(null), task);
    }

    public Optional<String> stopAt(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT stop_at FROM " + schema.table("task") + " WHERE name = ?")) {
            ps.setString(1, task);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
            }
        }
    }

    public void setDesiredState(Connection c, DesiredState desired) throws SQLException {
        ControlStatements.update(c, "UPDATE " + schema.table("task") + " SET desired_state = ?, updated_at = now() WHERE name = ?", desired.stored(), task);
    }

    public void addTable(Connection c, String tableKey, String sourceName) throws SQLException {
        ControlStatements.update(c, "INSERT INTO " + schema.table("table_state") + " (task, table_key, source_name, state) VALUES (?, ?, ?, 'pending')",
                task, tableKey, sourceName);
    }

    public void addUnit(Connection c, String unitId, String tableKey, String sourceRelation, String kind, String predicate,
                        long estimatedBytes, int ordinal) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + schema.table("unit")
                + " (task, unit_id, table_key, source_relation, kind, predicate, estimated_bytes, ordinal)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, task);
            ps.setString(2, unitId);
            ps.setString(3, tableKey);
            ps.setString(4, sourceRelation);
            ps.setString(5, kind);
            ps.setString(6, predicate);
            ps.setLong(7, estimatedBytes);
            ps.setInt(8, ordinal);
            ps.executeUpdate();
        }
    }

    /**
     * Forgets the copied units of one table (its target rows are truncated in the same transaction); a new epoch for
     * each, so that a copy of one still in flight somewhere is refused (see {@link UnitLeases}).
     */
    public void resetTable(Connection c, String tableKey) throws SQLException {
        ControlStatements.update(c, "UPDATE " + schema.table("unit") + " SET state = 'pending', rows_copied = NULL, source_rows = NULL,"
                + " bytes_copied = NULL, millis = NULL, copied_at = NULL, epoch = epoch + 1, owner = NULL,"
                + " lease_expires_at = NULL, error = NULL WHERE task = ? AND table_key = ?", task, tableKey);
        ControlStatements.update(c, "UPDATE " + schema.table("table_state") + " SET state = 'pending', sync_lsn = NULL, rows_copied = 0,"
                + " bytes_copied = 0, started_at = NULL, finished_at = NULL WHERE task = ? AND table_key = ?", task, tableKey);
    }

    public void setTableState(Connection c, String tableKey, TableState state) throws SQLException {
        ControlStatements.update(c, "UPDATE " + schema.table("table_state") + " SET state = ?,"
                + " started_at = coalesce(started_at, now()), finished_at = CASE WHEN ? <> 'pending' THEN now() END,"
                + " rows_copied = (SELECT coalesce(sum(rows_copied), 0) FROM " + schema.table("unit") + " u WHERE u.task = ? AND u.table_key = ?),"
                + " bytes_copied = (SELECT coalesce(sum(bytes_copied), 0) FROM " + schema.table("unit") + " u WHERE u.task = ? AND u.table_key = ?)"
                + " WHERE task = ? AND table_key = ?", state.stored(), state.stored(), task, tableKey, task, tableKey, task,
                tableKey);
    }

    public void setSyncLsn(Connection c, String tableKey, Lsn lsn) throws SQLException {
        ControlStatements.update(c, "UPDATE " + schema.table("table_state") + " SET sync_lsn = ?::pg_lsn WHERE task = ? AND table_key = ?",
                lsn.toString(), task, tableKey);
    }

    public List<UnitRow> units(Connection c) throws SQLException {
        List<UnitRow> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT unit_id, table_key, source_relation, kind, predicate, estimated_bytes,"
                + " ordinal, state = 'done', coalesce(rows_copied, 0), coalesce(bytes_copied, 0), coalesce(millis, 0), source_rows FROM " + schema.table("unit")
                + " WHERE task = ? ORDER BY ordinal")) {
            ps.setString(1, task);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new UnitRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            Optional.ofNullable(rs.getString(5)), rs.getLong(6), rs.getInt(7), rs.getBoolean(8),
                            rs.getLong(9), rs.getLong(10), rs.getLong(11), sourceRows(rs.getLong(12), rs.wasNull())));
                }
            }
        }
        return out;
    }

    private static OptionalLong sourceRows(long value, boolean missing) {
        return missing ? OptionalLong.empty() : OptionalLong.of(value);
    }

    public List<TableRow> tables(Connection c) throws SQLException {
        List<TableRow> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT table_key, source_name, state, sync_lsn::text, rows_copied, bytes_copied"
                + " FROM " + schema.table("table_state") + " WHERE task = ? ORDER BY table_key")) {
            ps.setString(1, task);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new TableRow(rs.getString(1), rs.getString(2), TableState.of(rs.getString(3)),
                            Optional.ofNullable(rs.getString(4)).map(Lsn::parse), rs.getLong(5), rs.getLong(6)));
                }
            }
        }
        return out;
    }

    /**
     * The task's tables by target key: those planned when it was recorded and those that joined it while changes
     * streamed. A table the selection rules match today but that is not here is not (yet) part of the task.
     */
    public Set<String> tableKeys(Connection c) throws SQLException {
        Set<String> out = new LinkedHashSet<>();
        tables(c).forEach(r -> out.add(r.tableKey()));
        return out;
    }

    /** The latest events, newest first, as {@code time level step: message}. */
    public List<String> recentEvents(Connection c, int limit) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT to_char(at, 'YYYY-MM-DD HH24:MI:SS TZ') || ' ' || level || ' ' || step"
                + " || ': ' || message FROM " + schema.table("event") + " WHERE task = ? ORDER BY id DESC LIMIT ?")) {
            ps.setString(1, task);
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /** How the latest run of the task ended, as recorded (see {@link #RUN_STEP}). */
    public record RunEnd(String at, String level, String message) {
        public boolean failed() {
            return !level.equals("INFO");
        }
    }

    /** The step of the events that record how a run ended: an error, a stop, a crash found by the next run. */
    public static final String RUN_STEP = "run";

    public Optional<RunEnd> lastRunEnd(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_char(at, 'YYYY-MM-DD HH24:MI:SS TZ'), level, message FROM "
                + schema.table("event") + " WHERE task = ? AND step = ? ORDER BY id DESC LIMIT 1")) {
            ps.setString(1, task);
            ps.setString(2, RUN_STEP);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new RunEnd(rs.getString(1), rs.getString(2), rs.getString(3)))
                        : Optional.empty();
            }
        }
    }

    /** An event as recorded, for following a step from another process. */
    public record Event(long id, String message) {
    }

    /** The events of one step recorded after event {@code afterId}, oldest first. */
    public List<Event> eventsAfter(Connection c, long afterId, String step) throws SQLException {
        List<Event> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, message FROM " + schema.table("event")
                + " WHERE task = ? AND step = ? AND id > ? ORDER BY id")) {
            ps.setString(1, task);
            ps.setString(2, step);
            ps.setLong(3, afterId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Event(rs.getLong(1), rs.getString(2)));
                }
            }
        }
        return out;
    }

    /** The id of the latest event of any task (0 when none). */
    public long latestEventId(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(max(id), 0) FROM " + schema.table("event"));
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    public void event(Connection c, String level, String step, String message) throws SQLException {
        ControlStatements.update(c, "INSERT INTO " + schema.table("event") + " (task, level, step, message) VALUES (?, ?, ?, ?)",
                task, level, step, message);
    }
}
