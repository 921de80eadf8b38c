package dev.godwit.orchestrator.state;

import dev.godwit.mappings.sql.SqlText;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;

/**
 * The schema in the target database that holds a task's state: the task row, per-table states, the unit ledger, the
 * CDC checkpoint, the event log, validation results, cutovers, and Quartz's job store for a scheduled cutover.
 * Nothing else has to be installed anywhere, and {@code godwit status} can read it from any machine that reaches the
 * target.
 */
public final class ControlSchema {
    private static final String DEADLOCK = "40P01";
    private static final String INSUFFICIENT_PRIVILEGE = "42501";

    private final String schema;

    public ControlSchema(String schemaName) {
        this.schema = SqlText.identifier(schemaName);
    }

    /** The quoted schema name, for building statements. */
    public String name() {
        return schema;
    }

    public String table(String table) {
        return schema + "." + table;
    }

    /** The prefix of the Quartz job store's tables (the scheduled cutover), which live in this schema. */
    public String quartzTablePrefix() {
        return QuartzTables.prefix(schema);
    }

    /** Whether the control schema is on the target already; reading it before then fails. */
    public boolean exists(Connection target) throws SQLException {
        try (var ps = target.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, table("task"));
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /**
     * Creates what is missing; safe to run at every start. A schema already made by this version of godwit (its
     * comment names the script's digest) is left alone: the script's {@code ALTER TABLE … IF NOT EXISTS} statements
     * lock their tables even when there is nothing to do, and a resume that ran them while workers of the task still
     * wrote to the ledger deadlocked with them (ScaleOutIT). A deadlock with such a writer during a real change of the
     * schema (a newer godwit) is retried.
     */
    public void install(Connection target) throws SQLException {
        String script = resource().replace("${schema}", schema);
        List<String> quartz = QuartzTables.statements(schema);
        String version = "godwit control schema " + digest(script, quartz);
        if (version.equals(comment(target)) && exists(target)) {
            return;
        }
        boolean auto = target.getAutoCommit();
        target.setAutoCommit(false);
        try {
            for (int attempt = 1; ; attempt++) {
                try (Statement s = target.createStatement()) {
                    // concurrent installs (two godwit processes started at once) would race on CREATE ... IF NOT EXISTS
                    s.execute("SELECT pg_advisory_xact_lock(hashtext('godwit control schema'))");
                    s.execute(script);
                    for (String statement : quartz) {
                        s.execute(statement);
                    }
                    mark(s, version);
                    target.commit();
                    return;
                } catch (SQLException e) {
                    target.rollback();
                    if (!DEADLOCK.equals(e.getSQLState()) || attempt == 3) {
                        throw e;
                    }
                }
            }
        } finally {
            target.setAutoCommit(auto);
        }
    }

    /** The comment that marks the schema as made by a script; without the schema's ownership it stays unmarked. */
    private void mark(Statement s, String version) throws SQLException {
        s.execute("SAVEPOINT mark");
        try {
            s.execute("COMMENT ON SCHEMA " + schema + " IS " + SqlText.literal(version));
        } catch (SQLException e) {
            if (!INSUFFICIENT_PRIVILEGE.equals(e.getSQLState())) {
                throw e;
            }
            s.execute("ROLLBACK TO SAVEPOINT mark"); // installed all the same; the next start runs the script again
        }
    }

    private String comment(Connection target) throws SQLException {
        try (PreparedStatement ps = target.prepareStatement("SELECT obj_description(to_regnamespace(?)::oid, 'pg_namespace')")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static String digest(String script, List<String> statements) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(script.getBytes(StandardCharsets.UTF_8));
            for (String statement : statements) {
                sha.update(statement.getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String resource() {
        try (InputStream in = ControlSchema.class.getResourceAsStream("control-schema.sql")) {
            if (in == null) {
                throw new IllegalStateException("control-schema.sql is missing from the godwit jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
