package dev.godwit.orchestrator.demo;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;

/**
 * What the demo leaves running (its servers and the godwit process it starts), ended in the reverse order of its
 * start exactly once: when the demo returns, when it fails, and when it is interrupted (Ctrl-C, SIGTERM). The last
 * case is why this is a JVM shutdown hook and not only a try-with-resources: {@code System.exit} and signals skip
 * {@code finally} blocks but still run shutdown hooks.
 */
final class DemoCleanup implements AutoCloseable {
    private final Deque<Runnable> endings = new ArrayDeque<>();
    private final Thread hook = new Thread(this::close, "demo-cleanup");
    private boolean closed;

    DemoCleanup() {
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Ends {@code server} (stopped, its files removed) with the rest; returns it. */
    synchronized <T extends AutoCloseable> T server(T server) {
        if (closed) {
            // started while the demo was being interrupted: nobody else will end it
            end(server::close);
            throw new IllegalStateException("the demo is ending");
        }
        endings.push(() -> end(server::close));
        return server;
    }

    /** Ends {@code process} before the servers it uses; returns it. */
    synchronized Process process(Process process) {
        Runnable ending = () -> {
            process.destroy();
            try {
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        };
        if (closed) {
            ending.run();
            throw new IllegalStateException("the demo is ending");
        }
        endings.push(ending);
        return process;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        while (!endings.isEmpty()) {
            endings.pop().run();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // called from the hook itself: the JVM is already running it
        }
    }

    private static void end(ThrowingAction action) {
        try {
            action.run();
        } catch (Exception e) {
            // one failed ending must not keep the others from running; the script's own check reports what is left
            System.err.println("demo: could not end a server: " + e);
        }
    }

    @FunctionalInterface
    private interface ThrowingAction {
        void run() throws Exception;
    }
}
