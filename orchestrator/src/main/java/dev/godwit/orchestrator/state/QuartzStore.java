package dev.godwit.orchestrator.state;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.godwit.workers.pg.PgConnector;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;

/**
 * The settings every godwit scheduler shares: Quartz's JDBC job store in the control schema ({@link QuartzTables}),
 * reached through a small pool of sessions on the target opened with the task's credentials, which therefore never
 * appear in Quartz's properties. Callers add what is theirs (clustering, say).
 */
public final class QuartzStore {
    /**
     * Sessions besides one per job thread: Quartz's scheduler thread (acquiring jobs), its cluster manager (check-ins)
     * and its misfire handler each run their own transactions.
     */
    private static final int SERVICE_SESSIONS = 3;

    private QuartzStore() {
    }

    /**
     * Registers the target as the data source {@code name} and returns the scheduler's properties. A data source of
     * that name registered earlier in this process is closed first; the pool closes when the scheduler shuts down.
     *
     * @param purpose  the sessions' purpose, as {@link PgConnector#open} names them on the target
     * @param idleWait how soon an idle scheduler sees work another process wrote
     */
    public static Properties properties(ControlSchema control, PgConnector target, String purpose, String name,
                                        String instanceId, int threads, Duration idleWait, Duration misfireThreshold) {
        DBConnectionManager connections = DBConnectionManager.getInstance();
        try {
            connections.shutdown(name);
        } catch (SQLException none) {
            // nothing registered under that name yet
        }
        connections.addConnectionProvider(name, new TargetSessions(target, purpose, threads + SERVICE_SESSIONS));
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", name);
        p.setProperty("org.quartz.scheduler.instanceId", instanceId);
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        p.setProperty("org.quartz.scheduler.idleWaitTime", Long.toString(idleWait.toMillis()));
        p.setProperty("org.quartz.threadPool.threadCount", Integer.toString(threads));
        p.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        p.setProperty("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
        p.setProperty("org.quartz.jobStore.tablePrefix", control.quartzTablePrefix());
        p.setProperty("org.quartz.jobStore.dataSource", name);
        p.setProperty("org.quartz.jobStore.misfireThreshold", Long.toString(misfireThreshold.toMillis()));
        return p;
    }

    /**
     * Quartz runs a few short transactions for every job it hands out or completes and for every check-in; a pool
     * keeps their sessions instead of opening one (a backend started, TLS and the password exchange) for each.
     */
    private static final class TargetSessions implements ConnectionProvider {
        /**
         * Quartz's transactions are a few quick statements under a row lock on its {@code locks} table, which every
         * node of a cluster takes to acquire or complete a job. A node stopped inside one (SIGSTOP, a VM paused, a
         * host lost behind a live connection) would hold that lock, and stall every other node, for as long as its
         * session lives: the server ends such a session after this long idle in its transaction (the pool then
         * replaces it).
         */
        private static final String IDLE_IN_TRANSACTION = "30s";

        private final HikariDataSource pool;

        TargetSessions(PgConnector target, String purpose, int size) {
            HikariConfig config = new HikariConfig();
            config.setDataSource(new Opener(target, purpose));
            config.setPoolName("godwit " + purpose);
            config.setMaximumPoolSize(size);
            config.setMinimumIdle(1);
            config.setConnectionInitSql("SET idle_in_transaction_session_timeout = '" + IDLE_IN_TRANSACTION + "'");
            // an unreachable target is Quartz's to retry, as with any failed transaction, not a failure to start
            config.setInitializationFailTimeout(-1);
            config.setConnectionTimeout(Duration.ofSeconds(15).toMillis());
            this.pool = new HikariDataSource(config);
        }

        @Override
        public Connection getConnection() throws SQLException {
            return pool.getConnection();
        }

        @Override
        public void shutdown() {
            pool.close();
        }

        @Override
        public void initialize() {
        }
    }

    /** Opens target sessions the way every godwit session is opened (credentials, TLS), for the pool to keep. */
    private record Opener(PgConnector target, String purpose) implements DataSource {
        @Override
        public Connection getConnection() {
            return target.open(purpose);
        }

        @Override
        public Connection getConnection(String user, String password) throws SQLException {
            throw new SQLFeatureNotSupportedException("the credentials are the task's");
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
            // the task's connect timeout applies
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> type) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> type) {
            return false;
        }
    }
}
