package dev.godwit.workers.pg;

import dev.godwit.mappings.task.Endpoint;
import org.postgresql.PGProperty;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Opens connections to one endpoint of a task (the source or the target). Every session gets the settings that keep
 * text values exact in both directions (ISO dates, postgres interval style, shortest-exact floats, UTC), the same
 * settings PostgreSQL's own logical replication subscriber uses.
 */
public final class PgConnector {
    /** Session settings for every godwit connection; see docs/security.md for why they are forced. */
    public static final String SESSION_OPTIONS =
            "-c datestyle=ISO -c intervalstyle=postgres -c extra_float_digits=3 -c TimeZone=UTC";

    /** URL parameters passed on to PgJDBC as they are (libpq spellings where PgJDBC shares them). */
    private static final Set<String> PASSED_THROUGH = Set.of("sslmode", "sslrootcert", "sslcert", "sslkey",
            "sslpassword", "sslhostnameverifier", "sslfactory", "connectTimeout", "socketTimeout", "tcpKeepAlive",
            "targetServerType", "gssEncMode", "channelBinding");

    private final String role;
    private final Endpoint endpoint;

    /** @param role "source" or "target", used in messages */
    public PgConnector(String role, Endpoint endpoint) {
        this.role = role;
        this.endpoint = endpoint;
    }

    public String role() {
        return role;
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + endpoint.host() + ":" + endpoint.port() + "/" + endpoint.database();
    }

    /** An ordinary connection (autocommit on). */
    public Connection open(String purpose) {
        return connect(properties(purpose));
    }

    /** A logical replication connection ({@code replication=database}, simple query protocol). */
    public Connection openReplication(String purpose) {
        Properties p = properties(purpose);
        PGProperty.REPLICATION.set(p, "database");
        PGProperty.PREFER_QUERY_MODE.set(p, "simple");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(p, "10");
        return connect(p);
    }

    Properties properties(String purpose) {
        Properties p = new Properties();
        for (Map.Entry<String, String> e : endpoint.parameters().entrySet()) {
            if (PASSED_THROUGH.contains(e.getKey())) {
                p.setProperty(e.getKey(), e.getValue());
            }
        }
        p.setProperty(PGProperty.USER.getName(), endpoint.user());
        Passwords.resolve(role, endpoint).ifPresent(pw -> p.setProperty(PGProperty.PASSWORD.getName(), pw));
        p.setProperty(PGProperty.APPLICATION_NAME.getName(), "godwit " + purpose);
        p.putIfAbsent(PGProperty.CONNECT_TIMEOUT.getName(), "10");
        p.putIfAbsent(PGProperty.TCP_KEEP_ALIVE.getName(), "true");
        p.setProperty(PGProperty.OPTIONS.getName(), SESSION_OPTIONS);
        return p;
    }

    private Connection connect(Properties p) {
        try {
            return DriverManager.getConnection(jdbcUrl(), p);
        } catch (SQLException e) {
            throw ConnectionErrors.describe(role, endpoint, e);
        }
    }
}
