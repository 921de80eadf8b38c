package dev.godwit.orchestrator.state;

import dev.godwit.mappings.sql.SqlText;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The schema in the target database that holds a task's state: the task row, per-table states, the unit ledger, the
 * CDC checkpoint, the event log, validation results, cutovers, and Quartz's job store for a scheduled cutover.
 * Nothing else has to be installed anywhere, and {@code godwit status} can read it from any machine that reaches the
 * target.
 */
public final class ControlSchema {
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

    /** Creates what is missing; safe to run at every start. */
    public void install(Connection target) throws SQLException {
        String script = resource().replace("${schema}", schema);
        boolean auto = target.getAutoCommit();
        target.setAutoCommit(false);
        try (Statement s = target.createStatement()) {
            // concurrent installs (two godwit processes started at once) would race on CREATE ... IF NOT EXISTS
            s.execute("SELECT pg_advisory_xact_lock(hashtext('godwit control schema'))");
            s.execute(script);
            for (String statement : QuartzTables.statements(schema)) {
                s.execute(statement);
            }
            target.commit();
        } catch (SQLException e) {
            target.rollback();
            throw e;
        } finally {
            target.setAutoCommit(auto);
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
