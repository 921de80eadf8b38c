package dev.godwit.workers.pg;

import dev.godwit.mappings.task.Endpoint;
import org.postgresql.PGProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Opens connections to one endpoint of a task (the source or the target). Every session gets the settings that keep
 * text values exact in both directions (ISO dates, postgres interval style, shortest-exact floats, UTC), the same
 * settings PostgreSQL's own logical replication subscriber uses.
 */
public final class PgConnector {
    private static final Logger log = LoggerFactory.getLogger(PgConnector.class);
    /** How long a long-running command waits for a restarting server (crash recovery included) before it gives up. */
    public static final Duration RESTART_WAIT = Duration.ofMinutes(2);
    /**
     * How long a server that this connector never reached may not listen before the attempt fails: long enough for
     * the moment a restarting server is down, short enough that a wrong port is reported soon.
     */
    static final Duration FIRST_CONTACT_WAIT = Duration.ofSeconds(30);
    /** Session settings for every godwit connection; see docs/security.md for why they are forced. */
    public static final String SESSION_OPTIONS =
            "-c datestyle=ISO -c intervalstyle=postgres -c extra_float_digits=3 -c TimeZone=UTC";

    /** URL parameters passed on to PgJDBC as they are (libpq spellings where PgJDBC shares them). */
    private static final Set<String> PASSED_THROUGH = Set.of("sslmode", "sslrootcert", "sslcert", "sslkey",
            "sslpassword", "sslhostnameverifier", "sslfactory", "connectTimeout", "socketTimeout", "tcpKeepAlive",
            "targetServerType", "gssEncMode", "channelBinding");

    private final String role;
    private final Endpoint endpoint;
    private final Duration restartWait;
    /** Whether a connection succeeded once: a server that answered before and is not listening now is restarting. */
    private final AtomicBoolean reachedOnce = new AtomicBoolean();

    /** @param role "source" or "target", used in messages */
    public PgConnector(String role, Endpoint endpoint) {
        this(role, endpoint, Duration.ZERO);
    }

    private PgConnector(String role, Endpoint endpoint, Duration restartWait) {
        this.role = role;
        this.endpoint = endpoint;
        this.restartWait = restartWait;
    }

    /**
     * The same endpoint, but a connection attempt that finds the server restarting is tried again, with a log line
     * each time, until {@code bound} has passed: for the commands that run for long, which must ride out a restart of
     * either server. Restarting means the server said it is starting up, shutting down or in recovery, or nothing
     * listens at its port (or the connection closed during start-up); a server this connector never reached may not
     * listen for {@link #FIRST_CONTACT_WAIT} at most (a wrong port, most likely). Refused logins, unknown hosts, TLS
     * failures and timeouts fail at once.
     */
    public PgConnector waitingForRestarts(Duration bound) {
        return new PgConnector(role, endpoint, bound);
    }

    /** {@link #waitingForRestarts(Duration)} for {@link #RESTART_WAIT}. */
    public PgConnector waitingForRestarts() {
        return waitingForRestarts(RESTART_WAIT);
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
        long started = System.nanoTime();
        for (int attempt = 1; ; attempt++) {
            try {
                Connection c = DriverManager.getConnection(jdbcUrl(), p);
                reachedOnce.set(true);
                return c;
            } catch (SQLException e) {
                ConnectionFailure failure = ConnectionErrors.describe(role, endpoint, e);
                ConnectionErrors.RestartSign sign = ConnectionErrors.restartSign(e);
                Duration bound = sign == ConnectionErrors.RestartSign.SAID || reachedOnce.get() ? restartWait
                        : restartWait.compareTo(FIRST_CONTACT_WAIT) < 0 ? restartWait : FIRST_CONTACT_WAIT;
                long left = bound.toNanos() - (System.nanoTime() - started);
                if (left <= 0 || sign == ConnectionErrors.RestartSign.NONE) {
                    throw failure;
                }
                long pause = Math.min(TimeUnit.NANOSECONDS.toMillis(left), Math.min(5_000, 250L * attempt));
                long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(left));
                if (attempt == 1) {
                    log.warn("{}; the server may be restarting: trying again for up to {} s more", failure.getMessage(),
                            seconds);
                } else {
                    log.warn("{} {}:{} still not available (attempt {}); the server may be restarting: trying again for"
                            + " up to {} s more", role, endpoint.host(), endpoint.port(), attempt, seconds);
                }
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw failure;
                }
            }
        }
    }
}
