package dev.godwit.orchestrator.preflight;

import java.sql.Connection;
import java.util.List;

import static dev.godwit.orchestrator.preflight.PreflightContext.quote;
import static dev.godwit.orchestrator.preflight.PreflightContext.settingInBaseUnit;

/**
 * Timeouts that the server, the database or the role set for godwit's sessions and that would end a copy of a big
 * table, or the idle transaction holding the exported snapshot, part-way. Read from a godwit session itself, so they
 * are the values in force for this role in this database.
 */
final class TimeoutChecks {
    private TimeoutChecks() {
    }

    static void check(List<Finding> out, String side, Connection c, String role) {
        for (String name : List.of("statement_timeout", "idle_in_transaction_session_timeout")) {
            String check = side + "." + name;
            CheckGroup.attempt(out, check, name, found -> {
                long ms = settingInBaseUnit(c, name).orElse(0L);
                if (ms != 0) {
                    found.add(Finding.warning(check, name + " for role " + role,
                            name + " is " + ms + " ms for role " + role + " on the " + side + ": a longer copy "
                                    + (name.startsWith("idle") ? "(or the idle transaction that holds the snapshot) " : "")
                                    + "is cancelled part-way",
                            "ALTER ROLE " + quote(role) + " SET " + name + " = 0; (or ALTER ROLE … IN DATABASE …, "
                                    + "if the value comes from the database or the server)"));
                }
            });
        }
    }
}
