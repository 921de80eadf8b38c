package dev.godwit.orchestrator.cli;

import dev.godwit.orchestrator.failure.FailureKind;
import dev.godwit.orchestrator.failure.GodwitException;
import picocli.CommandLine.Option;

import java.time.Duration;

/** {@code --hold-timeout}, for the commands that hold the applier at a source position (validate, repair). */
final class HoldTimeout {
    @Option(names = "--hold-timeout", paramLabel = "SECONDS", defaultValue = "600",
            description = "How long to wait for the applier to reach the position, and the longest the applier stays"
                    + " paused there (default: ${DEFAULT-VALUE}).")
    long seconds;

    Duration value() {
        if (seconds < 1) {
            throw new GodwitException(FailureKind.BAD_INPUT, "--hold-timeout must be at least 1 second");
        }
        return Duration.ofSeconds(seconds);
    }
}
