package dev.godwit.orchestrator.validate;

import dev.godwit.orchestrator.state.ControlSchema;
import dev.godwit.workers.pg.Lsn;
import dev.godwit.workers.validate.Chunk;
import dev.godwit.workers.validate.ChunkResult;
import dev.godwit.workers.validate.TableOutcome;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Validation runs and their results in the control schema ({@code validation_run}, {@code validation_result}), for
 * {@code status} and the final report.
 */
public final class ValidationStore {
    private final ControlSchema schema;
    private final String task;

    public ValidationStore(ControlSchema schema, String task) {
        this.schema = schema;
        this.task = task;
    }

    long begin(Connection c, boolean content) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + schema.table("validation_run")
                + " (task, content, state) VALUES (?, ?, 'RUNNING') RETURNING id")) {
            ps.setString(1, task);
            ps.setBoolean(2, content);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * Records every chunk of every table, except differing chunks beyond those the report details (the run still counts
     * them), and the run's verdict, in one transaction.
     */
    void finish(Connection c, ValidationReport report) throws SQLException {
        long runId = report.runId();
        long maxDetails = report.differences().size();
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            long detailed = 0;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + schema.table("validation_result")
                    + " (run_id, table_key, unit_id, source_rows, target_rows, source_hash, target_hash, state, millis,"
                    + " key_range, lower_key, upper_key, null_keys) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (TableOutcome t : report.tables()) {
                    for (ChunkResult r : t.chunks()) {
                        if (!r.equal() && ++detailed > maxDetails) {
                            continue;
                        }
                        ps.setLong(1, runId);
                        ps.setString(2, r.tableKey());
                        ps.setString(3, Integer.toString(r.chunk().ordinal()));
                        ps.setLong(4, r.source().rows());
                        if (r.target().isMissing()) {
                            ps.setNull(5, java.sql.Types.BIGINT);
                        } else {
                            ps.setLong(5, r.target().rows());
                        }
                        ps.setString(6, r.source().hash());
                        ps.setString(7, r.target().hash());
                        ps.setString(8, r.state());
                        ps.setLong(9, r.millis());
                        ps.setString(10, r.range());
                        ps.setString(11, r.chunk().lower().orElse(null));
                        ps.setString(12, r.chunk().upper().orElse(null));
                        ps.setBoolean(13, r.chunk().nullKeys());
                        ps.addBatch();
                    }
                }
                ps.executeBatch();
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + schema.table("validation_run")
                    + " SET finished_at = now(), source_lsn = ?::pg_lsn, state = ?, differences = ? WHERE id = ?")) {
                ps.setString(1, report.sourceLsn().map(Lsn::toString).orElse(null));
                ps.setString(2, report.equal() ? "EQUAL" : "DIFFERENT");
                ps.setInt(3, (int) Math.min(Integer.MAX_VALUE, report.differing()));
                ps.setLong(4, runId);
                ps.executeUpdate();
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    void failed(Connection c, long runId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + schema.table("validation_run")
                + " SET finished_at = now(), state = 'FAILED' WHERE id = ?")) {
            ps.setLong(1, runId);
            ps.executeUpdate();
        }
    }

    /** Whether the task has been validated before (with any outcome but a failure). */
    boolean anyCompleted(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM " + schema.table("validation_run")
                + " WHERE task = ? AND state IN ('EQUAL', 'DIFFERENT'))")) {
            ps.setString(1, task);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** A chunk that a validation found different, as recorded; no bounds for a run recorded by an older godwit. */
    public record DifferentChunk(String tableKey, String state, String range, Optional<Chunk> chunk) {
    }

    /** The latest finished validation that compared contents. */
    public Optional<LastRun> latestContent(Connection c) throws SQLException {
        return last(c, " AND content AND state IN ('EQUAL', 'DIFFERENT')");
    }

    private Optional<LastRun> last(Connection c, String condition) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, state, started_at, source_lsn::text, content, differences"
                + " FROM " + schema.table("validation_run") + " WHERE task = ?" + condition + " ORDER BY id DESC LIMIT 1")) {
            ps.setString(1, task);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new LastRun(rs.getLong(1), rs.getString(2), rs.getTimestamp(3).toInstant(),
                        Optional.ofNullable(rs.getString(4)).map(Lsn::parse), rs.getBoolean(5), rs.getInt(6)));
            }
        }
    }

    /** The differing chunks a run recorded (at most {@code validation.failureMaxCount} of them), in table order. */
    public List<DifferentChunk> differentChunks(Connection c, long runId) throws SQLException {
        List<DifferentChunk> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT table_key, state, key_range, unit_id, lower_key,"
                + " upper_key, null_keys FROM " + schema.table("validation_result")
                + " WHERE run_id = ? AND state <> 'EQUAL' ORDER BY table_key, unit_id::int")) {
            ps.setLong(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    boolean nullKeys = rs.getBoolean(7);
                    Optional<Chunk> chunk = rs.wasNull() ? Optional.empty() : Optional.of(new Chunk(
                            Integer.parseInt(rs.getString(4)), Optional.ofNullable(rs.getString(5)),
                            Optional.ofNullable(rs.getString(6)), nullKeys));
                    out.add(new DifferentChunk(rs.getString(1), rs.getString(2), rs.getString(3), chunk));
                }
            }
        }
        return out;
    }

    /** The latest validation, for status. */
    public record LastRun(long id, String state, java.time.Instant startedAt, Optional<Lsn> sourceLsn, boolean content,
                          int differences) {
    }

    public Optional<LastRun> latest(Connection c) throws SQLException {
        return last(c, "");
    }
}
