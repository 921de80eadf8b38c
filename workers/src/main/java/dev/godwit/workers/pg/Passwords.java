package dev.godwit.workers.pg;

import dev.godwit.mappings.task.Endpoint;
import dev.godwit.mappings.task.PasswordSource;
import org.postgresql.jdbcurlresolver.PgPassParser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Resolves an endpoint's password at the moment a connection is opened, so a command that prints short-lived tokens
 * (a cloud IAM token generator) is asked again whenever a new connection needs one. No message here ever contains the
 * secret or the command's output.
 */
public final class Passwords {
    private static final long COMMAND_TIMEOUT_SECONDS = 60;

    private Passwords() {
    }

    public static Optional<String> resolve(String role, Endpoint endpoint) {
        PasswordSource source = endpoint.password();
        if (source instanceof PasswordSource.Literal l) {
            return Optional.of(l.secret());
        }
        if (source instanceof PasswordSource.FromEnvironment e) {
            String value = System.getenv(e.variable());
            if (value == null) {
                throw new ConnectionFailure(role + ".password names the environment variable " + e.variable()
                        + ", which is not set; export it before running godwit", null, null);
            }
            return Optional.of(value);
        }
        if (source instanceof PasswordSource.FromFile f) {
            try {
                return Optional.of(firstLine(Files.readString(f.file(), StandardCharsets.UTF_8)));
            } catch (IOException ex) {
                throw new ConnectionFailure(role + ".password names the file " + f.file() + ", which cannot be read ("
                        + ex.getClass().getSimpleName() + ")", null, ex);
            }
        }
        if (source instanceof PasswordSource.FromCommand c) {
            return Optional.of(runCommand(role, c.command()));
        }
        // none given: what libpq users expect, PGPASSWORD and then the password file (PGPASSFILE or ~/.pgpass)
        String env = System.getenv("PGPASSWORD");
        if (env != null && !env.isEmpty()) {
            return Optional.of(env);
        }
        return Optional.ofNullable(PgPassParser.getPassword(endpoint.host(), Integer.toString(endpoint.port()),
                endpoint.database(), endpoint.user()));
    }

    /** The first line, as libpq's password file conventions and token generators expect; trailing blanks removed. */
    private static String firstLine(String text) {
        String stripped = text.stripLeading();
        int nl = stripped.indexOf('\n');
        return (nl < 0 ? stripped : stripped.substring(0, nl)).strip();
    }

    private static String runCommand(String role, String command) {
        try {
            Process p = new ProcessBuilder("sh", "-c", command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new ConnectionFailure(role + ".passwordCommand did not finish within " + COMMAND_TIMEOUT_SECONDS + " s", null, null);
            }
            if (p.exitValue() != 0) {
                throw new ConnectionFailure(role + ".passwordCommand failed with exit code " + p.exitValue()
                        + " (its error output is above)", null, null);
            }
            String secret = firstLine(new String(out, StandardCharsets.UTF_8));
            if (secret.isEmpty()) {
                throw new ConnectionFailure(role + ".passwordCommand printed nothing; it must print the password on standard output", null, null);
            }
            return secret;
        } catch (IOException e) {
            throw new ConnectionFailure(role + ".passwordCommand could not be run: " + e.getMessage(), null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectionFailure(role + ".passwordCommand was interrupted", null, e);
        }
    }
}
