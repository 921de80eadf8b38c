package dev.godwit.workers.testkit;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What one test sees of the shared servers: fresh databases of its own, dropped (with their replication slots)
 * when the test ends. Obtained as a test method or constructor parameter under {@link PgExtension}.
 */
public final class PgLab implements AutoCloseable {
    private final PgServers servers;
    private final String prefix;
    private final List<TestDatabase> created = new ArrayList<>();
    private final List<PgServer> dedicated = new ArrayList<>();

    PgLab(PgServers servers, String testName) {
        this.servers = servers;
        this.prefix = testName.toLowerCase().replaceAll("[^a-z0-9]+", "_");
    }

    /** The shared server of this major version (13 and 17 are always configured). */
    public PgServer server(int major) {
        return servers.server(major);
    }

    /** A server for this test alone, with extra settings or pg_hba lines; stopped when the test ends. */
    public PgServer dedicatedServer(int major, Map<String, String> settings, List<String> extraHba) {
        PgServer s = servers.dedicated(major, settings, extraHba);
        dedicated.add(s);
        return s;
    }

    /**
     * A physical standby of {@code primary} (a dedicated server: it is stopped for a moment while it is copied),
     * streaming through the primary's physical slot {@code primarySlot}, which must exist; stopped when the test ends.
     *
     * @param settings the standby's postgresql.conf settings, e.g. {@code hot_standby_feedback = on}
     */
    public PgServer standbyOf(PgServer primary, String primarySlot, Map<String, String> settings) {
        PgServer s = primary.standby(servers.newHome("standby"), primarySlot, settings);
        dedicated.add(s);
        return s;
    }

    /** Creates an empty database on the shared server of this major version. */
    public TestDatabase newDatabase(int major) {
        return newDatabase(server(major));
    }

    public TestDatabase newDatabase(PgServer server) {
        String base = prefix.length() > 40 ? prefix.substring(0, 40) : prefix;
        String name = "t" + servers.nextDatabaseNumber() + "_" + base;
        try (Connection c = admin(server); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE \"" + name + "\"");
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + name + " on " + server, e);
        }
        TestDatabase db = new TestDatabase(server, name);
        created.add(db);
        return db;
    }

    @Override
    public void close() {
        for (TestDatabase db : created) {
            drop(db);
        }
        created.clear();
        dedicated.forEach(PgServer::close);
        dedicated.clear();
    }

    private static void drop(TestDatabase db) {
        try (Connection c = admin(db.server()); Statement s = c.createStatement()) {
            s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + db.name()
                    + "' AND pid <> pg_backend_pid()");
            s.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = '"
                    + db.name() + "' AND NOT active");
            s.execute("DROP DATABASE IF EXISTS \"" + db.name() + "\"");
        } catch (SQLException e) {
            // a database left behind costs disk in a temporary cluster, nothing else; the test's own result stands
            System.err.println("warning: could not drop test database " + db + ": " + e.getMessage());
        }
    }

    private static Connection admin(PgServer server) throws SQLException {
        return server.connectAsSuperuser("postgres");
    }
}
