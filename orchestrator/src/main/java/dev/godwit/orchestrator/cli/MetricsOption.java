package dev.godwit.orchestrator.cli;

import picocli.CommandLine.Option;

import java.util.OptionalInt;

/** {@code --metrics-port} of the commands that run a task. */
final class MetricsOption {
    @Option(names = "--metrics-port", paramLabel = "PORT",
            description = "Serve Prometheus metrics at http://HOST:PORT/metrics while the task runs (overrides"
                    + " settings.metrics.port); see docs/metrics.md.")
    Integer port;

    OptionalInt port() {
        return port == null ? OptionalInt.empty() : OptionalInt.of(port);
    }
}
