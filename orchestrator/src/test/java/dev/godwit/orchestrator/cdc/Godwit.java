package dev.godwit.orchestrator.cdc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** The packaged godwit as a separate process whose output goes to a file, for tests that run it for a while. */
public final class Godwit {
    private Godwit() {
    }

    public static Process start(Path dir, String... args) throws IOException {
        return start(dir, List.of(), args);
    }

    /** @param jvmOptions options of the java command, before {@code -jar} (a heap limit, say) */
    public static Process start(Path dir, List<String> jvmOptions, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", Path.of("target", "godwit.jar").toString(), "-v"));
        command.addAll(List.of(args));
        Path log = dir.resolve("godwit.log");
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    public static String log(Path dir) {
        try {
            return Files.readString(dir.resolve("godwit.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Waits until at least {@code count} log lines match (the log accumulates across runs of one test). */
    public static void awaitLogCount(Path dir, Pattern pattern, int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (pattern.matcher(log(dir)).results().count() >= count) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(count + " log lines matching " + pattern + " did not appear within " + timeout + ":\n" + log(dir));
    }

    public static void awaitLog(Path dir, Pattern pattern, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (pattern.matcher(log(dir)).find()) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no log line matching " + pattern + " within " + timeout + ":\n" + log(dir));
    }

    /** Asks the task to stop ({@code godwit stop}) and waits for the process; kills it when it does not end. */
    public static void stopOrKill(Path task, Process godwit) throws InterruptedException {
        dev.godwit.orchestrator.cli.CliRun.of("stop", task.toString());
        if (!godwit.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
            godwit.destroyForcibly();
        }
    }
}
