package dev.godwit.workers.pg;

/**
 * A server could not be reached, refused the login, or refused the role something it needs. The message is one line
 * written for the user: which server (URL without any password), what happened, and what to change.
 */
public final class ConnectionFailure extends RuntimeException {
    private final String sqlState;

    public ConnectionFailure(String message, String sqlState, Throwable cause) {
        super(message, cause);
        this.sqlState = sqlState;
    }

    /** The SQLSTATE the server or driver reported, or null. */
    public String sqlState() {
        return sqlState;
    }
}
