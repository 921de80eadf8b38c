package dev.godwit.orchestrator.cli;

import dev.godwit.mappings.task.TaskFileException;
import dev.godwit.orchestrator.failure.FailureKind;
import dev.godwit.orchestrator.failure.GodwitException;
import dev.godwit.workers.pg.ConnectionFailure;
import picocli.CommandLine;

/**
 * Exit codes by failure class, decided in this one place (documented in docs/cli.md): the commands below the CLI
 * throw a {@link GodwitException} of a {@link FailureKind}, never an exit code.
 */
public final class ExitCodes {
    public static final int OK = 0;
    /** The run failed: a database error, a lost connection that retries could not mend, an internal error. */
    public static final int FAILED = 1;
    /** The command line or the task file is wrong. */
    public static final int BAD_INPUT = 2;
    /** Preflight found blockers; nothing was created. */
    public static final int PREFLIGHT_BLOCKERS = 3;
    /** Validation found differences between source and target. */
    public static final int VALIDATION_DIFFERENCES = 4;
    /** A server could not be reached, refused the login, or the role lacks a privilege. */
    public static final int ACCESS = 5;
    /** The task's replication slot is gone or unusable: the target must be loaded again. */
    public static final int SLOT_LOST = 6;

    private ExitCodes() {
    }

    /** The exit code for an exception that ended a command, and whether it is the user's to fix (no stack trace). */
    static int of(Throwable failure) {
        if (failure instanceof GodwitException g) {
            return ofKind(g.kind());
        }
        if (failure instanceof TaskFileException || failure instanceof CommandLine.ParameterException) {
            return BAD_INPUT;
        }
        if (failure instanceof ConnectionFailure) {
            return ACCESS;
        }
        return FAILED;
    }

    /** The exit code of a kind of failure. */
    public static int ofKind(FailureKind kind) {
        return switch (kind) {
            case FAILED -> FAILED;
            case BAD_INPUT -> BAD_INPUT;
            case PREFLIGHT_BLOCKERS -> PREFLIGHT_BLOCKERS;
            case VALIDATION_DIFFERENCES -> VALIDATION_DIFFERENCES;
            case ACCESS -> ACCESS;
            case SLOT_LOST -> SLOT_LOST;
        };
    }

    static boolean isUserMistake(Throwable failure) {
        return failure instanceof GodwitException || failure instanceof TaskFileException
                || failure instanceof ConnectionFailure;
    }
}
