package dev.godwit.orchestrator.run;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Waiting on, and signalling, the godwit processes of a spread task (a worker's id is {@code pid@host}). */
final class ClusterProcesses {
    private ClusterProcesses() {
    }

    /** Waits up to 3 minutes for {@code condition}, failing at once when {@code coordinator} ends. */
    static void await(BooleanSupplier condition, GodwitProcess coordinator, String what) throws InterruptedException {
        await(condition, coordinator, what, () -> "");
    }

    static void await(BooleanSupplier condition, GodwitProcess coordinator, String what, Supplier<String> state)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!condition.getAsBoolean()) {
            assertTrue(coordinator.alive(), () -> "the coordinator ended while waiting for " + what + ":\n"
                    + coordinator.output());
            assertTrue(System.nanoTime() < deadline, () -> "waited 3 minutes for " + what + ":\n" + state.get() + "\n"
                    + coordinator.output());
            Thread.sleep(100);
        }
    }

    static long pid(String owner) {
        return Long.parseLong(owner.substring(0, owner.indexOf('@')));
    }

    static void signal(String signal, long pid) throws Exception {
        assertEquals(0, new ProcessBuilder("sh", "-c", "kill -" + signal + " " + pid).inheritIO().start().waitFor());
    }
}
