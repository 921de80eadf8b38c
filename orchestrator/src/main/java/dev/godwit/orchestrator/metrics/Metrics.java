package dev.godwit.orchestrator.metrics;

import dev.godwit.mappings.task.Task;
import dev.godwit.orchestrator.cdc.CdcObserver;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The metrics of one run of a task: a Prometheus registry with the JVM's binders, godwit's gauges and the poller that
 * fills them, the CDC meters the run itself moves ({@link #cdc()}), and the HTTP endpoint that serves them, opened
 * before the run and closed after it.
 */
public final class Metrics implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Metrics.class);

    private final PrometheusMeterRegistry registry;
    private final JvmGcMetrics gc;
    private final MetricsServer server;
    private final TaskMetrics poller;
    private final CdcMeters cdc;

    private Metrics(PrometheusMeterRegistry registry, JvmGcMetrics gc, MetricsServer server, TaskMetrics poller,
                    CdcMeters cdc) {
        this.registry = registry;
        this.gc = gc;
        this.server = server;
        this.poller = poller;
        this.cdc = cdc;
    }

    /**
     * Serves the task's metrics on the port of the command line or else of {@code settings.metrics.port}; none when
     * neither names one.
     *
     * @throws dev.godwit.orchestrator.failure.GodwitException (bad input) when the port is in use
     */
    public static Optional<Metrics> serve(Task task, OptionalInt commandLinePort) {
        OptionalInt port = commandLinePort.isPresent() ? commandLinePort : task.settings().metrics().port();
        if (port.isEmpty()) {
            return Optional.empty();
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("task", task.name());
        MetricsServer server;
        try {
            server = MetricsServer.start(port.getAsInt(), registry);
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        TaskGauges gauges = new TaskGauges(registry, TaskReading.unrecorded(Instant.now()));
        TaskMetrics poller = new TaskMetrics(new TaskReader(task), gauges, task.settings().metrics().interval());
        log.info("metrics: serving http://0.0.0.0:{}/metrics, read every {}", server.port(),
                task.settings().metrics().interval());
        return Optional.of(new Metrics(registry, gc, server, poller, new CdcMeters(registry)));
    }

    /** What the run's CDC phase tells, for the meters only the process can know (commits, reconnects). */
    public CdcObserver cdc() {
        return cdc;
    }

    @Override
    public void close() throws InterruptedException {
        try (gc; server) {
            poller.close();
        } finally {
            registry.close();
        }
    }
}
