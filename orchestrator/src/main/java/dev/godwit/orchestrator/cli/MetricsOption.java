package dev.godwit.orchestrator.cli;

import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.OptionalInt;

/** {@code --metrics-port} of the commands that run a task. */
final class MetricsOption {
    @Spec(Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec spec;

    private Integer port;

    @Option(names = "--metrics-port", paramLabel = "PORT",
            description = "Serve Prometheus metrics at http://HOST:PORT/metrics while the task runs (overrides"
                    + " settings.metrics.port); see docs/monitoring.md.")
    void port(int value) {
        if (value < 1 || value > 65535) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--metrics-port " + value
                    + " is not a port; expected 1 to 65535");
        }
        port = value;
    }

    OptionalInt port() {
        return port == null ? OptionalInt.empty() : OptionalInt.of(port);
    }
}
