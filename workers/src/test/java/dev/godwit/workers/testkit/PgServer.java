package dev.godwit.workers.testkit;

/** A PostgreSQL server that tests can connect to, and, where the backend allows, stop and crash. */
public interface PgServer extends AutoCloseable {
    String host();

    int port();

    int majorVersion();

    /** The superuser tests use to set up data; godwit itself is given whatever role a test chooses. */
    default String superuser() {
        return "postgres";
    }

    default String superuserPassword() {
        return "";
    }

    /** Opens a connection to {@code database} as the superuser. */
    default java.sql.Connection connectAsSuperuser(String database) throws java.sql.SQLException {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("user", superuser());
        if (!superuserPassword().isEmpty()) {
            p.setProperty("password", superuserPassword());
        }
        return java.sql.DriverManager.getConnection(jdbcUrl(database), p);
    }

    default String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host() + ":" + port() + "/" + database;
    }

    /** A postgresql:// URL as a task file holds it. */
    default String url(String database, String user) {
        return "postgresql://" + user + "@" + host() + ":" + port() + "/" + database;
    }

    /**
     * Writes a file into the server's data directory, readable only by the server's user: TLS certificates and keys
     * for tests that turn {@code ssl} on (then {@code ALTER SYSTEM SET ssl = on} and {@code pg_reload_conf()}).
     */
    default void writeDataFile(String name, byte[] content) {
        throw new UnsupportedOperationException("this server backend cannot take files into its data directory");
    }

    /** Whether {@link #restart()} and {@link #crash()} are supported by this backend. */
    boolean canRestart();

    void restart();

    /** Kills every server process at once; {@link #start()} then runs crash recovery. */
    void crash();

    void start();

    /**
     * Makes a physical standby of this server, streaming through its physical slot {@code primarySlot}, with extra
     * postgresql.conf settings; see {@link dev.godwit.workers.local.LocalPostgres#standby}. Embedded backend only.
     */
    default PgServer standby(java.nio.file.Path home, String primarySlot, java.util.Map<String, String> settings) {
        throw new UnsupportedOperationException("this server backend cannot make standbys");
    }

    /** Promotes a standby to a primary, waiting until it accepts writes. */
    default void promote() {
        throw new UnsupportedOperationException("this server backend cannot promote a standby");
    }

    @Override
    void close();
}
