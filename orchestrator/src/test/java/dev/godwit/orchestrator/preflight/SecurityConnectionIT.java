package dev.godwit.orchestrator.preflight;

import dev.godwit.orchestrator.cli.CliRun;
import dev.godwit.orchestrator.cli.ExitCodes;
import dev.godwit.workers.testkit.PgExtension;
import dev.godwit.workers.testkit.PgLab;
import dev.godwit.workers.testkit.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static dev.godwit.orchestrator.preflight.PreflightTasks.roleName;
import static dev.godwit.orchestrator.preflight.PreflightTasks.task;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Login failures that PlanCommandIT does not already cover (wrong password, unreachable host there; TLS and pg_hba in
 * SecurityTlsIT): each is exit code 5 and one line naming the server and what to change, never a stack trace.
 */
@ExtendWith(PgExtension.class)
class SecurityConnectionIT {
    @TempDir
    Path dir;

    @Test
    void anUnknownTargetDatabaseIsOneLineNamingTheDatabase(PgLab lab) {
        TestDatabase source = lab.newDatabase(17);
        source.execute("CREATE TABLE public.t (id int PRIMARY KEY)");
        Path task = task(dir, source.url(), source.server().url("no_such_db", "postgres"), "full-load", "");

        CliRun run = CliRun.of("preflight", task.toString());

        assertOneLineAccessError(run);
        assertTrue(run.err().contains("target"), run::toString);
        assertTrue(run.err().contains("database \"no_such_db\" does not exist"), run::toString);
    }

    @Test
    void aRoleWithoutConnectOnTheDatabaseIsToldWhichGrantIsMissing(PgLab lab) {
        TestDatabase source = lab.newDatabase(17);
        String role = roleName();
        source.execute("CREATE ROLE " + role + " LOGIN", "REVOKE CONNECT ON DATABASE \"" + source.name() + "\" FROM PUBLIC");
        Path task = task(dir, source.server().url(source.name(), role), source.url(), "full-load", "");

        CliRun run = CliRun.of("preflight", task.toString());

        assertOneLineAccessError(run);
        assertTrue(run.err().contains("GRANT CONNECT ON DATABASE \"" + source.name() + "\" TO \"" + role + "\""), run::toString);
    }

    private static void assertOneLineAccessError(CliRun run) {
        assertEquals(ExitCodes.ACCESS, run.exitCode(), run::toString);
        assertEquals(1, run.err().strip().lines().count(), run::toString);
        assertTrue(run.err().startsWith("error: cannot connect to the "), run::toString);
        assertFalse(run.err().contains("\tat "), run::toString);
        assertEquals("", run.out(), run::toString);
    }
}
