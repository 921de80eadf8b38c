package dev.godwit.orchestrator.state;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The chunks of a validation spread over processes ({@code validation_chunk}). As with the load's units
 * ({@link UnitLeases}), taking a chunk bumps its epoch in a transaction of its own and its counts are written only while
 * that epoch stands, so a chunk compared twice (a job Quartz ran again, a worker declared dead that was only stalled) is
 * recorded once; the lease, by the target's clock, only keeps a second process from taking a chunk whose holder still
 * renews it.
 */
public final class ValidationChunks {
    private final ControlSchema schema;

    public ValidationChunks(ControlSchema schema) {
        this.schema = schema;
    }

    /** One chunk to compare: its table, its ordinal there, and the query for each side. */
    public record Planned(String tableKey, int ordinal, String sourceSql, String targetSql) {
    }

    /** What taking a chunk found. */
    public sealed interface Take {
        /** This caller holds the chunk under {@code epoch}: read {@code sourceSql} in {@code snapshot}. */
        record Taken(long epoch, String snapshot, String sourceSql, String targetSql) implements Take {
        }

        /** Another owner holds an unexpired lease on it. */
        record Held(String owner, Duration left) implements Take {
        }

        /** Nothing to compare: the chunk is done or failed, or its validation is no longer running. */
        record Gone(String state) implements Take {
        }
    }

    /**
     * A chunk as its validation collects it.
     *
     * @param leased a holder's lease on it has not expired
     */
    public record Recorded(String tableKey, int ordinal, String state, String owner, boolean leased, long sourceRows,
                           String sourceHash, long targetRows, String targetHash, long millis, String error) {
    }

    /** Records the chunks of run {@code runId}, all pending, to be read under {@code snapshot}. */
    public void plan(Connection c, long runId, String snapshot, List<Planned> chunks) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + schema.table("validation_chunk")
                + " (run_id, table_key, ordinal, snapshot, source_sql, target_sql) VALUES (?, ?, ?, ?, ?, ?)")) {
            for (Planned p : chunks) {
                ps.setLong(1, runId);
                ps.setString(2, p.tableKey());
                ps.setInt(3, p.ordinal());
                ps.setString(4, snapshot);
                ps.setString(5, p.sourceSql());
                ps.setString(6, p.targetSql());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Takes a pending chunk of a running validation for {@code owner}; {@code c} must be in autocommit. */
    public Take take(Connection c, long runId, String tableKey, int ordinal, String owner, Duration lease)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + schema.table("validation_chunk") + " k"
                + " SET epoch = epoch + 1, owner = ?, lease_expires_at = now() + ? * interval '1 millisecond'"
                + " WHERE run_id = ? AND table_key = ? AND ordinal = ? AND state = 'pending'"
                + " AND (owner IS NULL OR owner = ? OR lease_expires_at < now())"
                + " AND EXISTS (SELECT 1 FROM " + schema.table("validation_run") + " r WHERE r.id = k.run_id"
                + " AND r.state = 'RUNNING')"
                + " RETURNING epoch, snapshot, source_sql, target_sql")) {
            ps.setString(1, owner);
            ps.setLong(2, lease.toMillis());
            ps.setLong(3, runId);
            ps.setString(4, tableKey);
            ps.setInt(5, ordinal);
            ps.setString(6, owner);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return new Take.Taken(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4));
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT k.state, r.state, k.owner,"
                + " greatest(0, extract(epoch FROM k.lease_expires_at - now()) * 1000)::bigint"
                + " FROM " + schema.table("validation_chunk") + " k JOIN " + schema.table("validation_run")
                + " r ON r.id = k.run_id WHERE k.run_id = ? AND k.table_key = ? AND k.ordinal = ?")) {
            ps.setLong(1, runId);
            ps.setString(2, tableKey);
            ps.setInt(3, ordinal);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return new Take.Gone("not in the ledger");
                }
                if (!rs.getString(1).equals("pending")) {
                    return new Take.Gone(rs.getString(1));
                }
                if (!rs.getString(2).equals("RUNNING")) {
                    return new Take.Gone("part of a validation that is " + rs.getString(2).toLowerCase(Locale.ROOT));
                }
                return new Take.Held(rs.getString(3), Duration.ofMillis(rs.getLong(4)));
            }
        }
    }

    /**
     * Records what both sides hold in the chunk, while {@code epoch} is still the one taken.
     *
     * @return false when the chunk was taken again or recorded since: this comparison is a late duplicate
     */
    public boolean done(Connection c, long runId, String tableKey, int ordinal, long epoch, long sourceRows,
                        String sourceHash, long targetRows, String targetHash, long millis) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + schema.table("validation_chunk")
                + " SET state = 'done', source_rows = ?, source_hash = ?, target_rows = ?, target_hash = ?, millis = ?,"
                + " lease_expires_at = NULL WHERE run_id = ? AND table_key = ? AND ordinal = ? AND state = 'pending'"
                + " AND epoch = ?")) {
            ps.setLong(1, sourceRows);
            ps.setString(2, sourceHash);
            ps.setLong(3, targetRows);
            ps.setString(4, targetHash);
            ps.setLong(5, millis);
            ps.setLong(6, runId);
            ps.setString(7, tableKey);
            ps.setInt(8, ordinal);
            ps.setLong(9, epoch);
            return ps.executeUpdate() == 1;
        }
    }

    /** Records that the holder of {@code epoch} could not compare the chunk; nothing when it moved on since. */
    public boolean failed(Connection c, long runId, String tableKey, int ordinal, long epoch, String error)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + schema.table("validation_chunk")
                + " SET state = 'failed', error = ?, lease_expires_at = NULL WHERE run_id = ? AND table_key = ?"
                + " AND ordinal = ? AND state = 'pending' AND epoch = ?")) {
            ps.setString(1, error);
            ps.setLong(2, runId);
            ps.setString(3, tableKey);
            ps.setInt(4, ordinal);
            ps.setLong(5, epoch);
            return ps.executeUpdate() == 1;
        }
    }

    /** Extends the leases of every pending chunk {@code owner} holds. */
    public int renew(Connection c, String owner, Duration lease) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + schema.table("validation_chunk")
                + " SET lease_expires_at = now() + ? * interval '1 millisecond' WHERE owner = ? AND state = 'pending'")) {
            ps.setLong(1, lease.toMillis());
            ps.setString(2, owner);
            return ps.executeUpdate();
        }
    }

    /** Every chunk of a run, in table and chunk order. */
    public List<Recorded> recorded(Connection c, long runId) throws SQLException {
        List<Recorded> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT table_key, ordinal, state, owner,"
                + " coalesce(lease_expires_at > now(), false), source_rows, source_hash, target_rows, target_hash,"
                + " millis, error FROM " + schema.table("validation_chunk")
                + " WHERE run_id = ? ORDER BY table_key, ordinal")) {
            ps.setLong(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Recorded(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getString(4),
                            rs.getBoolean(5), rs.getLong(6), rs.getString(7), rs.getLong(8), rs.getString(9),
                            rs.getLong(10), rs.getString(11)));
                }
            }
        }
        return out;
    }
}
