package dev.godwit.orchestrator.cli;

/** A failure whose message is written for the user and whose exit code says what kind of failure it was. */
public class GodwitException extends RuntimeException {
    private final int exitCode;

    public GodwitException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public GodwitException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
