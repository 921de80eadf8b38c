package dev.godwit.mappings.task;

import java.time.Duration;
import java.util.OptionalInt;

/**
 * Whether {@code start} and {@code resume} serve Prometheus metrics, and how often they are read.
 *
 * @param port     the HTTP port of {@code /metrics}; empty serves none (the command line's {@code --metrics-port} wins)
 * @param interval how often the values are read from the control schema and the source's slot
 */
public record MetricsSettings(OptionalInt port, Duration interval) {
    public static final int MAX_PORT = 65535;

    public static MetricsSettings defaults() {
        return new MetricsSettings(OptionalInt.empty(), Duration.ofSeconds(5));
    }
}
