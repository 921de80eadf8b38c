package dev.godwit.orchestrator.corpus;

import dev.godwit.workers.testkit.TestDatabase;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The shared corpus of application schemas ({@code ../shared/corpus} beside the repository, not copied into it) and
 * our own scripts for each schema in the test resources ({@code corpus/workload/NAME.sql}, {@code corpus/smoke/NAME.sql}),
 * all run through psql as the application would run them.
 */
final class Corpus {
    private Corpus() {
    }

    /** Skips the calling test, with the reason, when the corpus schema or psql is not on this machine. */
    static void assumeAvailable(String name) {
        Path script = dir().resolve(name).resolve("load.sh");
        assumeTrue(Files.isRegularFile(script), "the corpus is not beside the repository: " + script);
        assumeTrue(onPath("psql"), "psql is not installed (the corpus' load.sh and the scripts need it)");
    }

    /** Loads a schema with its own load.sh (schema and data). */
    static void load(String name, TestDatabase db) throws IOException, InterruptedException {
        Path script = dir().resolve(name).resolve("load.sh");
        Result result = run(List.of("sh", script.toString(), db.url()), "", 180);
        assertTrue(result.exitCode() == 0, () -> "load.sh of " + name + " failed:\n" + result.output());
    }

    /** Runs {@code corpus/workload/NAME.sql} on the source, stopping at its first error. */
    static Result workload(String name, TestDatabase source) throws IOException, InterruptedException {
        return psql(source, script("workload", name), true);
    }

    /**
     * Runs {@code corpus/smoke/NAME.sql}, echoing each statement before its result, errors in place, and going on after
     * an error, so that two runs compare line by line. Read-write even on a fenced source: the fence is a database
     * default that a session may override, and the smoke script is the application's, run on both sides alike.
     */
    static Result smoke(String name, TestDatabase db) throws IOException, InterruptedException {
        return psql(db, script("smoke", name), false);
    }

    static Path script(String kind, String name) {
        return resource(kind + "/" + name + ".sql");
    }

    /** A file of the test resources' {@code corpus/} directory. */
    static Path resource(String path) {
        URL url = Corpus.class.getResource("/corpus/" + path);
        if (url == null) {
            throw new IllegalArgumentException("no corpus/" + path + " in the test resources");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Result psql(TestDatabase db, Path file, boolean stopOnError) throws IOException, InterruptedException {
        return run(List.of("psql", "-X", "-q", "-A", "-e", "-P", "null=NULL", "-v",
                "ON_ERROR_STOP=" + (stopOnError ? 1 : 0), "-d", db.url(), "-f", file.toString()),
                "-c default_transaction_read_only=off -c TimeZone=UTC -c DateStyle=ISO,YMD -c lc_messages=C", 180);
    }

    private static Result run(List<String> command, String pgOptions, int seconds) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("PGOPTIONS", pgOptions);
        Path out = Files.createTempFile("godwit-corpus", ".out");
        try {
            Process p = builder.redirectOutput(out.toFile()).start();
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(command + " did not finish within " + seconds + " s:\n" + Files.readString(out));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** {@code ../shared/corpus} from the repository root, the directory that holds the mappings and workers modules. */
    static Path dir() {
        Path d = Path.of("").toAbsolutePath();
        while (d != null && !(Files.isDirectory(d.resolve("workers")) && Files.isDirectory(d.resolve("mappings")))) {
            d = d.getParent();
        }
        return d == null || d.getParent() == null ? Path.of("/nonexistent")
                : d.getParent().resolve("shared").resolve("corpus");
    }

    private static boolean onPath(String program) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, program))) {
                return true;
            }
        }
        return false;
    }

    /** What a script printed (standard output and errors, in order) and how it ended. */
    record Result(int exitCode, String output) {
        boolean hasErrors() {
            return exitCode != 0 || output.contains("ERROR:");
        }
    }
}
