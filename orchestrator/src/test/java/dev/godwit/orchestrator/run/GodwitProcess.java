package dev.godwit.orchestrator.run;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/** The packaged godwit run as a separate process, so a test can kill it with SIGKILL at a chosen moment. */
final class GodwitProcess {
    private static final Path JAR = Path.of("target", "godwit.jar");

    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final Pattern killAt;
    private final int occurrence;
    private final AtomicInteger seen = new AtomicInteger();
    private final CountDownLatch outputDone = new CountDownLatch(1);
    private volatile boolean killed;

    private GodwitProcess(Process process, Pattern killAt, int occurrence) {
        this.process = process;
        this.killAt = killAt;
        this.occurrence = occurrence;
        Thread reader = new Thread(this::read, "godwit-output");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts {@code godwit -v ARGS}; when the {@code occurrence}-th output line matching {@code killAt} appears, the
     * process is killed with SIGKILL (null: never).
     */
    static GodwitProcess start(Pattern killAt, int occurrence, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString(), "-v"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        return new GodwitProcess(p, killAt, occurrence);
    }

    /** As {@link #start}, never killed, run with {@code directory} as its working directory. */
    static GodwitProcess startIn(Path directory, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toAbsolutePath().toString(), "-v"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        return new GodwitProcess(p, null, 0);
    }

    private void read() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (lines) {
                    lines.add(line);
                }
                if (killAt != null && killAt.matcher(line).find() && seen.incrementAndGet() == occurrence) {
                    killed = true;
                    process.destroyForcibly();
                }
            }
        } catch (IOException ignored) {
            // the process was killed mid-line
        } finally {
            outputDone.countDown();
        }
    }

    /** Waits for the process to end; returns its exit code (137 after SIGKILL). */
    int waitFor(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("godwit did not finish within " + seconds + " s:\n" + output());
        }
        outputDone.await(10, TimeUnit.SECONDS);
        return process.exitValue();
    }

    /** Waits until a line of output matches; false on timeout or when the process ended first. */
    boolean awaitLine(Pattern pattern, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            synchronized (lines) {
                if (lines.stream().anyMatch(l -> pattern.matcher(l).find())) {
                    return true;
                }
            }
            if (!process.isAlive() && outputDone.getCount() == 0) {
                return false;
            }
            Thread.sleep(50);
        }
        return false;
    }

    /**
     * Sends SIGTERM, as a service manager stopping godwit does. Not {@code Process.destroy()}: that also closes the
     * pipes, and the output after the signal would be lost.
     */
    void terminate() throws IOException, InterruptedException {
        // the shell's own kill: no procps needed on the machine
        new ProcessBuilder("sh", "-c", "kill -TERM " + process.pid()).inheritIO().start().waitFor();
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Kills the process if it still runs (a test's clean-up). */
    void destroy() {
        process.destroyForcibly();
    }

    boolean wasKilled() {
        return killed;
    }

    String output() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }
}
