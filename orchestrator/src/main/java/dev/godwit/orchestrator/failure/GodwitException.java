package dev.godwit.orchestrator.failure;

/** A failure whose message is written for the user, and what kind of failure it was. */
public class GodwitException extends RuntimeException {
    private final FailureKind kind;

    public GodwitException(FailureKind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public GodwitException(FailureKind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public FailureKind kind() {
        return kind;
    }
}
