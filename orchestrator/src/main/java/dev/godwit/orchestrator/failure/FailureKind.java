package dev.godwit.orchestrator.failure;

/** What kind of failure ended a command; the CLI alone turns it into an exit code (see docs/cli.md). */
public enum FailureKind {
    /** The run failed: a database error, a lost connection that retries could not mend, an internal error. */
    FAILED,
    /** The command line or the task file is wrong, or the task is not in a state the command works on. */
    BAD_INPUT,
    /** Preflight found blockers; nothing was created. */
    PREFLIGHT_BLOCKERS,
    /** Validation found differences between source and target. */
    VALIDATION_DIFFERENCES,
    /** A server could not be reached, refused the login, or the role lacks a privilege. */
    ACCESS,
    /**
     * The task's replication slot is gone or unusable (invalidated by the source, dropped behind godwit's back, or
     * dropped by the slot governor's {@code stop} policy): the changes since the checkpoint cannot be streamed, and
     * the target must be loaded again.
     */
    SLOT_LOST
}
