package dev.godwit.orchestrator.preflight;

import java.sql.SQLException;

/** Turns a check that could not run (a missing privilege, a catalog view the role cannot read) into a finding. */
final class CheckFailed {
    private CheckFailed() {
    }

    static Finding finding(String check, String object, SQLException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
        String state = e.getSQLState() == null ? "" : " (SQLSTATE " + e.getSQLState() + ")";
        return Finding.warning(check, object, "this check could not run: " + message + state
                        + "; its result is unknown",
                "42501".equals(e.getSQLState())
                        ? "grant the role the privilege named above, or run preflight as a role that has it"
                        : "run preflight with -v for details");
    }
}
