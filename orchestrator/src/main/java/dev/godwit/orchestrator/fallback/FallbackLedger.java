package dev.godwit.orchestrator.fallback;

import dev.godwit.orchestrator.state.ControlSchema;
import dev.godwit.orchestrator.state.ControlStatements;
import dev.godwit.workers.pg.Lsn;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * The {@code fallback} table of the control schema: the reverse stream a cutover with fallback set up (its slot,
 * publication, origin and start), whether it still streams, and how the fallback ended.
 */
public final class FallbackLedger {
    /** What became of the way back. */
    public enum State {
        /** The reverse stream carries the new primary's changes to the source. */
        STREAMING,
        /** {@code godwit fallback} switched back: the source is the primary again. */
        FALLEN_BACK
    }

    /** One task's way back. */
    public record Entry(FallbackNames names, Lsn startLsn, State state, Optional<Lsn> finalLsn,
                        Optional<String> message, List<String> identityAlways) {
    }

    private final ControlSchema schema;
    private final String task;

    public FallbackLedger(ControlSchema schema, String task) {
        this.schema = schema;
        this.task = task;
    }

    /** Records a reverse stream that was just set up (replacing the row of an earlier one). */
    void streaming(Connection c, FallbackNames names, Lsn start, List<String> identityAlways) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + schema.table("fallback") + " (task, slot_name,"
                + " publication_name, origin_name, start_lsn, identity_always) VALUES (?, ?, ?, ?, ?::pg_lsn, ?)"
                + " ON CONFLICT (task) DO UPDATE SET slot_name = excluded.slot_name,"
                + " publication_name = excluded.publication_name, origin_name = excluded.origin_name,"
                + " start_lsn = excluded.start_lsn, identity_always = excluded.identity_always, state = 'streaming',"
                + " created_at = now(), finished_at = NULL, final_lsn = NULL, message = NULL")) {
            ps.setString(1, task);
            ps.setString(2, names.slot());
            ps.setString(3, names.publication());
            ps.setString(4, names.origin());
            ps.setString(5, start.toString());
            ps.setArray(6, c.createArrayOf("text", identityAlways.toArray()));
            ps.executeUpdate();
        }
    }

    void fallenBack(Connection c, Lsn finalLsn, String message) throws SQLException {
        ControlStatements.update(c, "UPDATE " + schema.table("fallback") + " SET state = 'fallen_back',"
                + " finished_at = now(), final_lsn = ?::pg_lsn, message = ? WHERE task = ?", finalLsn.toString(),
                message, task);
    }

    /** A fallback attempt that did not switch back: the stream goes on; the message says why. */
    void failed(Connection c, String message) throws SQLException {
        ControlStatements.update(c, "UPDATE " + schema.table("fallback") + " SET message = ? WHERE task = ?",
                message, task);
    }

    /** The cutover that set the reverse stream up failed later: there is no way back to record. */
    void forget(Connection c) throws SQLException {
        ControlStatements.update(c, "DELETE FROM " + schema.table("fallback") + " WHERE task = ?", task);
    }

    public Optional<Entry> find(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT slot_name, publication_name, origin_name, start_lsn,"
                + " state, final_lsn, message, identity_always FROM " + schema.table("fallback") + " WHERE task = ?")) {
            ps.setString(1, task);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Entry(new FallbackNames(rs.getString(1), rs.getString(2), rs.getString(3)),
                        Lsn.parse(rs.getString(4)), State.valueOf(rs.getString(5).toUpperCase(java.util.Locale.ROOT)),
                        Optional.ofNullable(rs.getString(6)).map(Lsn::parse), Optional.ofNullable(rs.getString(7)),
                        List.of((String[]) rs.getArray(8).getArray())));
            }
        }
    }

    /** Whether the task has a reverse stream to run (a cutover with fallback, not yet fallen back). */
    public boolean streams(Connection c) throws SQLException {
        return find(c).map(e -> e.state() == State.STREAMING).orElse(false);
    }
}
