package dev.godwit.orchestrator.cdc;

import dev.godwit.orchestrator.cli.CliRun;
import dev.godwit.orchestrator.cli.ExitCodes;
import dev.godwit.workers.testkit.PgExtension;
import dev.godwit.workers.testkit.PgLab;
import dev.godwit.workers.testkit.PgServer;
import dev.godwit.workers.testkit.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A server that is down or restarting at the moment a command begins is waited for, with a log line, instead of
 * ending the command: start, resume, validate and cutover, each with the target and with the source down. The
 * server is crashed before the command starts and started again only once the command has said it waits, so every
 * case really begins against a server that is not there.
 */
@ExtendWith(PgExtension.class)
class RestartAtBeginIT {
    private static final Pattern STREAMING = Pattern.compile("cdc: streaming slot");
    private static final Pattern AUTO_VALIDATED = Pattern.compile("validation: \\d+ tables equal");
    private static final Pattern WAITING = Pattern.compile("the server may be restarting");

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void startResumeValidateAndCutoverWaitForAServerThatIsRestartingWhenTheyBegin(PgLab lab) throws Exception {
        PgServer sourceServer = lab.dedicatedServer(13, Map.of(), List.of());
        PgServer targetServer = lab.dedicatedServer(17, Map.of(), List.of());
        TestDatabase source = lab.newDatabase(sourceServer);
        TestDatabase target = lab.newDatabase(targetServer);
        source.execute(SourceWriter.SCHEMA);
        Path task = CdcIT.task(dir, source, target);
        Process running = null;
        try {
            running = begin("start", targetServer, task);
            Godwit.awaitLog(dir.resolve("start"), STREAMING, Duration.ofSeconds(120));
            // the automatic validation holds the applier once CDC starts; a second validation would be refused
            Godwit.awaitLog(dir.resolve("start"), AUTO_VALIDATED, Duration.ofSeconds(120));

            for (PgServer down : List.of(sourceServer, targetServer)) {
                Process validate = begin("validate", down, task);
                assertTrue(validate.waitFor(180, TimeUnit.SECONDS), Godwit.log(dir.resolve("validate")));
                assertEquals(ExitCodes.OK, validate.exitValue(), Godwit.log(dir.resolve("validate")));
            }

            for (PgServer down : List.of(sourceServer, targetServer)) {
                stop(task, running);
                source.execute("UPDATE accounts SET note = 'while stopped' WHERE id = " + down.port() % 1000);
                running = begin("resume", down, task);
                Godwit.awaitLog(dir.resolve("resume"), STREAMING, Duration.ofSeconds(120));
            }

            SourceWriter.mark(source, "before-cutover");
            CdcIT.awaitEqual(source, target, Duration.ofSeconds(120));
            Process cutover = begin("cutover", targetServer, task);
            assertTrue(cutover.waitFor(240, TimeUnit.SECONDS), Godwit.log(dir.resolve("cutover")));
            assertEquals(ExitCodes.OK, cutover.exitValue(), Godwit.log(dir.resolve("cutover")));
            assertEquals("CUT_OVER", target.value("SELECT phase FROM godwit.task"));
            CdcIT.awaitEqual(source, target, Duration.ofSeconds(30));
        } catch (AssertionError | Exception e) {
            for (String command : List.of("start", "validate", "resume", "cutover")) {
                System.err.println("godwit " + command + " log:\n" + Godwit.log(dir.resolve(command)));
            }
            throw e;
        } finally {
            if (running != null && running.isAlive()) {
                Godwit.stopOrKill(task, running);
            }
        }
    }

    /** Crashes {@code down}, starts the command, and starts the server again once the command says it waits. */
    private Process begin(String command, PgServer down, Path task) throws Exception {
        Path logs = Files.createDirectories(dir.resolve(command));
        Files.deleteIfExists(logs.resolve("godwit.log"));
        down.crash();
        Process p = Godwit.start(logs, command, task.toString());
        Godwit.awaitLog(logs, WAITING, Duration.ofSeconds(60));
        down.start();
        return p;
    }

    private static void stop(Path task, Process running) throws InterruptedException {
        assertEquals(ExitCodes.OK, CliRun.of("stop", task.toString()).exitCode());
        assertTrue(running.waitFor(60, TimeUnit.SECONDS), "godwit stopped");
    }
}
