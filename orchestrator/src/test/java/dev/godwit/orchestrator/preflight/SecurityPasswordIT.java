package dev.godwit.orchestrator.preflight;

import dev.godwit.workers.testkit.PgExtension;
import dev.godwit.workers.testkit.PgLab;
import dev.godwit.workers.testkit.PgServer;
import dev.godwit.workers.testkit.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the packaged program (as users do, so that its real logback configuration writes every log line, at -vv
 * every library's debug lines too, to standard error, captured in a file) with the password given as
 * {@code ${env:…}}, as a literal and through {@code passwordCommand}, and searches everything it wrote for the
 * password.
 */
@ExtendWith(PgExtension.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class SecurityPasswordIT {
    private static final String SECRET = "s3cret-Godwit-pw-71";
    private static final Path JAR = Path.of("target", "godwit.jar");

    @TempDir
    Path dir;

    @Test
    void thePasswordAppearsInNoOutputLogOrErrorWhicheverWayItIsGiven(PgLab lab) throws Exception {
        PgServer server = lab.dedicatedServer(17, Map.of("password_encryption", "'scram-sha-256'"),
                List.of("host all app 127.0.0.1/32 scram-sha-256"));
        TestDatabase source = lab.newDatabase(server);
        TestDatabase target = lab.newDatabase(server);
        source.execute("CREATE ROLE app LOGIN REPLICATION PASSWORD '" + SECRET + "'",
                "CREATE TABLE public.orders (id int PRIMARY KEY, note text)", "CREATE TABLE public.no_key (x int)");
        target.execute("ALTER DATABASE \"" + target.name() + "\" OWNER TO app", "ALTER SCHEMA public OWNER TO app");
        Files.writeString(dir.resolve("mappings.json"), PreflightTasks.ALL_PUBLIC);
        Files.writeString(dir.resolve("secret.txt"), SECRET + "\n");

        Map<String, String> passwordForms = Map.of(
                "env", "password: ${env:GODWIT_TEST_SECRET}",
                "literal", "password: " + SECRET,
                "command", "passwordCommand: \"cat " + dir.resolve("secret.txt") + "\"");
        List<List<String>> commands = List.of(List.of("plan"), List.of("plan", "--json"), List.of("preflight"),
                List.of("preflight", "--json"));
        int runs = 0;
        for (var form : passwordForms.entrySet()) {
            Path task = Files.writeString(dir.resolve("task-" + form.getKey() + ".yaml"), """
                    name: secrets
                    source:
                      url: postgresql://app@127.0.0.1:%d/%s
                      %s
                    target:
                      url: postgresql://app@127.0.0.1:%d/%s
                      %s
                    type: full-load-and-cdc
                    tableMappings: mappings.json
                    """.formatted(server.port(), source.name(), form.getValue(), server.port(), target.name(), form.getValue()));
            for (List<String> command : commands) {
                List<String> args = new ArrayList<>(List.of("-vv"));
                args.addAll(command);
                args.add(task.toString());
                Result r = godwit(args);
                assertTrue(r.code() == 0 || r.code() == 3, () -> form.getKey() + " " + command + " could not connect:\n" + r);
                assertFalse(r.out().contains(SECRET), () -> form.getKey() + " " + command + " printed the password:\n" + r);
                assertFalse(r.log().contains(SECRET), () -> form.getKey() + " " + command + " logged the password:\n" + r);
                runs++;
            }
        }
        assertEquals(12, runs);
        Result wrongTarget = godwit(List.of("-vv", "preflight", Files.writeString(dir.resolve("task-wrong.yaml"), """
                name: secrets
                source:
                  url: postgresql://app@127.0.0.1:%d/%s
                  password: ${env:GODWIT_TEST_SECRET}
                target:
                  url: postgresql://app@127.0.0.1:%d/%s
                  password: %s-but-wrong
                type: full-load
                tableMappings: mappings.json
                """.formatted(server.port(), source.name(), server.port(), target.name(), SECRET)).toString()));
        assertEquals(5, wrongTarget.code(), wrongTarget::toString);
        assertFalse((wrongTarget.out() + wrongTarget.log()).contains(SECRET), wrongTarget::toString);
        assertTrue(wrongTarget.log().contains("DEBUG"), "-vv must have turned debug logging on:\n" + wrongTarget);
    }

    private record Result(int code, String out, String log) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- log (stderr)\n" + log;
        }
    }

    private Result godwit(List<String> args) throws Exception {
        assertTrue(Files.isRegularFile(JAR), "mvn package builds " + JAR.toAbsolutePath());
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString()));
        command.addAll(args);
        Path log = Files.createTempFile(dir, "godwit-log", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(log.toFile());
        pb.environment().put("GODWIT_TEST_SECRET", SECRET);
        pb.environment().remove("PGPASSWORD");
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "godwit did not finish");
        return new Result(p.exitValue(), out, Files.readString(log));
    }
}
