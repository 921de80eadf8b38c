package dev.godwit.orchestrator.preflight;

import dev.godwit.mappings.task.Task;
import dev.godwit.orchestrator.plan.Plan;
import dev.godwit.orchestrator.plan.PlannedTable;
import dev.godwit.workers.catalog.SourceCatalog;
import dev.godwit.workers.catalog.Table;
import dev.godwit.workers.catalog.TableKind;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the checks look at: the task, its plan (which holds the source catalog), and one open connection to each
 * server, both in autocommit so that a failed check query leaves no aborted transaction behind.
 *
 * @param sourceRole the role godwit logs in as on the source (the task URL's user)
 */
public record PreflightContext(Task task, Plan plan, Connection source, Connection target, String sourceRole,
                               String targetRole) {

    public SourceCatalog catalog() {
        return plan.catalog();
    }

    public boolean cdc() {
        return task.type().hasCdc();
    }

    /**
     * The relations whose rows a run reads: each planned table that holds rows, and the leaf partitions of a
     * partitioned one.
     */
    public List<Table> sourceRelations() {
        List<Table> out = new ArrayList<>();
        for (PlannedTable t : plan.tables()) {
            if (t.source().kind() != TableKind.PARTITIONED) {
                out.add(t.source());
            }
            out.addAll(t.partitions());
        }
        return out;
    }

    /** The relations that logical replication carries: plain tables and leaf partitions (not views, foreign tables). */
    public List<Table> replicatedRelations() {
        return sourceRelations().stream().filter(t -> t.kind() == TableKind.TABLE).toList();
    }

    /**
     * The planned tables a publication names: plain tables, partitions copied alone, and partitioned roots; unlogged
     * tables cannot be published.
     */
    public List<Table> publishedTables() {
        return plan.tables().stream().map(PlannedTable::source)
                .filter(t -> t.kind() == TableKind.TABLE || t.kind() == TableKind.PARTITIONED)
                .filter(t -> !t.unlogged()).toList();
    }

    /** Whether the source is Amazon RDS or Aurora, where server settings live in a parameter group. */
    public boolean sourceIsRds() throws SQLException {
        return bool(source, "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rds_superuser') "
                + "OR current_setting('rds.extensions', true) IS NOT NULL");
    }

    static Optional<String> setting(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT current_setting(?, true)")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return Optional.ofNullable(rs.getString(1));
            }
        }
    }

    /** A setting in its base unit (bytes for memory, milliseconds for time), from pg_settings. */
    static Optional<Long> settingInBaseUnit(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT setting::bigint * CASE unit
                         WHEN 'B' THEN 1 WHEN 'kB' THEN 1024 WHEN '8kB' THEN 8192 WHEN 'MB' THEN 1048576
                         WHEN 'ms' THEN 1 WHEN 's' THEN 1000 WHEN 'min' THEN 60000 ELSE 1 END
                  FROM pg_settings WHERE name = ?""")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        }
    }

    static boolean bool(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, params); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    static long number(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, params); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Every row, each as its columns' text. */
    static List<List<String>> rows(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, params); ResultSet rs = ps.executeQuery()) {
            int n = rs.getMetaData().getColumnCount();
            List<List<String>> out = new ArrayList<>();
            while (rs.next()) {
                List<String> row = new ArrayList<>(n);
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                out.add(row);
            }
            return out;
        }
    }

    static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... params) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        for (int i = 0; i < params.length; i++) {
            ps.setObject(i + 1, params[i]);
        }
        return ps;
    }

    /** A SQL identifier, always quoted. */
    static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }
}
