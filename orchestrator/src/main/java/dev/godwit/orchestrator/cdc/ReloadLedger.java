package dev.godwit.orchestrator.cdc;

import dev.godwit.orchestrator.state.ControlSchema;
import dev.godwit.workers.pg.Lsn;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The {@code reload} table of the control schema: requests written by {@code godwit reload}, taken one at a time by
 * the process that streams the task's changes, and their outcome. Like {@code godwit stop} and {@code godwit cutover}
 * it works from any machine that reaches the target.
 */
public final class ReloadLedger {
    /** Where one request is. */
    public enum State {
        /** Written by the command; nothing diverted yet. */
        REQUESTED,
        /** The tables' changes are held back from the applier and the tables are being copied again. */
        COPYING,
        /** The copy committed, with the held-back changes from its sync position on. */
        DONE,
        /** Not possible as asked (the message says why); nothing was changed. */
        REFUSED;

        public String stored() {
            return name().toLowerCase(Locale.ROOT);
        }

        public boolean finished() {
            return this == DONE || this == REFUSED;
        }

        static State of(String stored) {
            return valueOf(stored.toUpperCase(Locale.ROOT));
        }
    }

    /** A request as recorded. */
    public record Entry(long id, List<String> tables, String requestedBy, State state, Optional<Lsn> syncLsn,
                        Optional<Long> rows, Optional<String> message) {
    }

    private final ControlSchema schema;
    private final String task;

    public ReloadLedger(ControlSchema schema, String task) {
        this.schema = schema;
        this.task = task;
    }

    public long request(Connection c, List<String> tableKeys, String requestedBy) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + schema.table("reload")
                + " (task, tables, requested_by) VALUES (?, ?, ?) RETURNING id")) {
            ps.setString(1, task);
            ps.setArray(2, c.createArrayOf("text", tableKeys.toArray()));
            ps.setString(3, requestedBy);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The oldest request not finished: one being copied (an earlier run was interrupted) comes before new ones. */
    public Optional<Entry> next(Connection c) throws SQLException {
        return query(c, "state IN ('requested', 'copying') ORDER BY state = 'copying' DESC, id");
    }

    public Optional<Entry> find(Connection c, long id) throws SQLException {
        return query(c, "id = " + id);
    }

    /** The requests being copied now: their tables' changes are held back from the start of a stream. */
    public List<Entry> copying(Connection c) throws SQLException {
        return queryAll(c, "state = 'copying' ORDER BY id");
    }

    /** The requests done, each with its sync position. */
    public List<Entry> done(Connection c) throws SQLException {
        return queryAll(c, "state = 'done' ORDER BY id");
    }

    public void copying(Connection c, long id) throws SQLException {
        update(c, id, "state = 'copying', started_at = coalesce(started_at, now())");
    }

    public void done(Connection c, long id, Lsn syncLsn, long rows) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + schema.table("reload")
                + " SET state = 'done', finished_at = now(), sync_lsn = ?::pg_lsn, rows_copied = ? WHERE id = ?")) {
            ps.setString(1, syncLsn.toString());
            ps.setLong(2, rows);
            ps.setLong(3, id);
            ps.executeUpdate();
        }
    }

    public void refused(Connection c, long id, String message) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + schema.table("reload")
                + " SET state = 'refused', finished_at = now(), message = ? WHERE id = ?")) {
            ps.setString(1, message);
            ps.setLong(2, id);
            ps.executeUpdate();
        }
    }

    private void update(Connection c, long id, String set) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + schema.table("reload") + " SET " + set
                + " WHERE id = ?")) {
            ps.setLong(1, id);
            ps.executeUpdate();
        }
    }

    private Optional<Entry> query(Connection c, String conditionAndOrder) throws SQLException {
        List<Entry> all = queryAll(c, conditionAndOrder + " LIMIT 1");
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
    }

    private List<Entry> queryAll(Connection c, String conditionAndOrder) throws SQLException {
        List<Entry> out = new java.util.ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, tables, requested_by, state, sync_lsn::text,"
                + " rows_copied, message FROM " + schema.table("reload") + " WHERE task = ? AND " + conditionAndOrder)) {
            ps.setString(1, task);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Array tables = rs.getArray(2);
                    long rows = rs.getLong(6);
                    Optional<Long> copied = rs.wasNull() ? Optional.empty() : Optional.of(rows);
                    out.add(new Entry(rs.getLong(1), List.of((String[]) tables.getArray()), rs.getString(3),
                            State.of(rs.getString(4)), Optional.ofNullable(rs.getString(5)).map(Lsn::parse), copied,
                            Optional.ofNullable(rs.getString(7))));
                }
            }
        }
        return out;
    }
}
