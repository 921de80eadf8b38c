package dev.godwit.workers.pg;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The connection a periodic look keeps between its rounds, opened again after a failure. A connection per round was a
 * backend started, authenticated and logged (under {@code log_connections}) every two seconds by each look, for as
 * long as changes streamed. It stays in autocommit, so nothing (no snapshot, no lock) is held between rounds.
 */
public final class KeptConnection implements AutoCloseable {
    /** What one round does with the connection. */
    @FunctionalInterface
    public interface Round<T> {
        T run(Connection connection) throws SQLException;
    }

    private final PgConnector connector;
    private final String purpose;
    private Connection connection;

    public KeptConnection(PgConnector connector, String purpose) {
        this.connector = connector;
        this.purpose = purpose;
    }

    /**
     * Runs one round on the kept connection, opening it first if there is none. A round that fails closes it: the
     * next round starts on a new one (the server may have restarted).
     */
    public synchronized <T> T use(Round<T> round) throws SQLException {
        if (connection == null) {
            connection = connector.open(purpose);
        }
        try {
            return round.run(connection);
        } catch (SQLException | RuntimeException e) {
            closeConnection();
            throw e;
        }
    }

    /** Closes the connection; the next round opens another. Call it once no round runs. */
    @Override
    public synchronized void close() {
        closeConnection();
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // gone already: a new round opens a new one
            }
            connection = null;
        }
    }
}
