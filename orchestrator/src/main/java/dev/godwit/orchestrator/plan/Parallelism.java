package dev.godwit.orchestrator.plan;

import dev.godwit.mappings.task.Settings;

/** How many copy workers a task runs: the setting, or a choice from this machine's cores. */
public final class Parallelism {
    private Parallelism() {
    }

    public static int of(Settings settings) {
        if (settings.parallelism() > 0) {
            return settings.parallelism();
        }
        // copying is mostly the servers' work; a few more streams than cores keeps both servers busy
        return Math.max(2, Math.min(8, Runtime.getRuntime().availableProcessors() * 2));
    }
}
