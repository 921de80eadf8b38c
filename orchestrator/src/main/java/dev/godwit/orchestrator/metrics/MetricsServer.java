package dev.godwit.orchestrator.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.godwit.orchestrator.failure.FailureKind;
import dev.godwit.orchestrator.failure.GodwitException;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Serves {@code GET /metrics} from a registry with the JDK's HTTP server, on one daemon thread: the Prometheus text
 * format, or OpenMetrics when the scraper asks for it in {@code Accept}.
 */
final class MetricsServer implements AutoCloseable {
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    static final String OPENMETRICS_TEXT = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService executor;

    private MetricsServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** @throws GodwitException (bad input) when the port is taken, naming it */
    static MetricsServer start(int port, PrometheusMeterRegistry registry) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(port), 0);
        } catch (BindException e) {
            throw new GodwitException(FailureKind.BAD_INPUT, "metrics port " + port + " is in use (" + e.getMessage()
                    + "): choose another with --metrics-port or settings.metrics.port");
        } catch (IOException e) {
            throw new GodwitException(FailureKind.BAD_INPUT, "cannot serve metrics on port " + port + ": "
                    + e.getMessage());
        }
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "metrics-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/metrics", exchange -> {
            try (exchange) {
                scrape(exchange, registry);
            }
        });
        server.start();
        return new MetricsServer(server, executor);
    }

    int port() {
        return server.getAddress().getPort();
    }

    private static void scrape(HttpExchange exchange, PrometheusMeterRegistry registry) throws IOException {
        if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
            exchange.sendResponseHeaders(405, -1);
            return;
        }
        String accept = exchange.getRequestHeaders().getFirst("Accept");
        String type = accept != null && accept.contains("application/openmetrics-text") ? OPENMETRICS_TEXT
                : PROMETHEUS_TEXT;
        byte[] body = registry.scrape(type).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        if ("HEAD".equals(exchange.getRequestMethod())) {
            exchange.sendResponseHeaders(200, -1);
            return;
        }
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
