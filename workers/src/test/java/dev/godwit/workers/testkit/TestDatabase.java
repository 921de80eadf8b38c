package dev.godwit.workers.testkit;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** A database created for one test on one server; dropped after the test. */
public record TestDatabase(PgServer server, String name) {

    public Connection connect() throws SQLException {
        return server.connectAsSuperuser(name);
    }

    /** The endpoint of this database as a task file would give it, for {@code role} (no password: the servers trust it). */
    public dev.godwit.mappings.task.Endpoint endpoint(String role) {
        return new dev.godwit.mappings.task.Endpoint(server.host(), server.port(), name, role, java.util.Map.of(),
                new dev.godwit.mappings.task.PasswordSource.None());
    }

    /** Row count and an order-free hash of every row's text: equal on two databases means equal contents. */
    public String fingerprint(String table) {
        return value("SELECT count(*) || ':' || coalesce(md5(string_agg(h, '' ORDER BY h)), '-') FROM "
                + "(SELECT md5(t::text) h FROM " + table + " t) x");
    }

    public String jdbcUrl() {
        return server.jdbcUrl(name);
    }

    /** A task-file URL for this database as the superuser. */
    public String url() {
        return server.url(name, server.superuser());
    }

    /** Runs SQL statements (several per string are allowed) as the superuser, autocommit. */
    public void execute(String... sql) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed on " + this + ": " + e.getMessage(), e);
        }
    }

    /** The first column of every row, as text. */
    public List<String> column(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("query failed on " + this + ": " + e.getMessage(), e);
        }
    }

    public String value(String sql) {
        List<String> rows = column(sql);
        if (rows.size() != 1) {
            throw new IllegalStateException("expected one row, got " + rows.size() + ": " + sql);
        }
        return rows.get(0);
    }

    public long count(String table) {
        return Long.parseLong(value("SELECT count(*) FROM " + table));
    }

    @Override
    public String toString() {
        return name + " on " + server;
    }
}
