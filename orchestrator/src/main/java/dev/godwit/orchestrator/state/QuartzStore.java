package dev.godwit.orchestrator.state;

import dev.godwit.workers.pg.PgConnector;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

/**
 * The settings every godwit scheduler shares: Quartz's JDBC job store in the control schema ({@link QuartzTables}),
 * reached through fresh connections to the target with the task's credentials, which therefore never appear in
 * Quartz's properties. Callers add what is theirs (clustering, say).
 */
public final class QuartzStore {
    private QuartzStore() {
    }

    /**
     * Registers the target as the data source {@code name} and returns the scheduler's properties.
     *
     * @param purpose  the connections' purpose, as {@link PgConnector#open} names them on the target
     * @param idleWait how soon an idle scheduler sees work another process wrote
     */
    public static Properties properties(ControlSchema control, PgConnector target, String purpose, String name,
                                        String instanceId, int threads, Duration idleWait, Duration misfireThreshold) {
        DBConnectionManager.getInstance().addConnectionProvider(name, new TargetConnections(target, purpose));
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

    private record TargetConnections(PgConnector target, String purpose) implements ConnectionProvider {
        /**
         * Quartz's transactions are a few quick statements under a row lock on its {@code locks} table, which every
         * node of a cluster takes to acquire or complete a job. A node stopped inside one (SIGSTOP, a VM paused, a
         * host lost behind a live connection) would hold that lock, and stall every other node, for as long as its
         * session lives: the server ends such a session after this long idle in its transaction.
         */
        private static final String IDLE_IN_TRANSACTION = "30s";

        @Override
        public Connection getConnection() throws SQLException {
            Connection c = target.open(purpose);
            try (Statement s = c.createStatement()) {
                s.execute("SET idle_in_transaction_session_timeout = '" + IDLE_IN_TRANSACTION + "'");
            } catch (SQLException e) {
                c.close();
                throw e;
            }
            return c;
        }

        @Override
        public void shutdown() {
        }

        @Override
        public void initialize() {
        }
    }
}
