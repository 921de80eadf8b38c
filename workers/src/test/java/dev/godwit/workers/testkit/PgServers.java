package dev.godwit.workers.testkit;

import dev.godwit.workers.local.LocalPostgres;
import dev.godwit.workers.local.PgBinaries;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The servers of one test run, one per major version, started on first use and stopped when the run ends. Tests
 * share them and isolate themselves by database ({@link PgLab}).
 *
 * <p>System properties: {@code godwit.pg.versions} (comma-separated zonky versions, set by the build),
 * {@code godwit.pg.binaries} (the directory the build copied their jars into), {@code godwit.pg.backend}
 * ({@code embedded}, the default, or {@code testcontainers}).
 */
final class PgServers implements AutoCloseable {
    private final Map<Integer, String> versions = new LinkedHashMap<>();
    private final Map<Integer, PgServer> started = new HashMap<>();
    private final boolean containers;
    private final Path root;
    private int databases;

    PgServers() {
        String list = System.getProperty("godwit.pg.versions", "13.23.0,17.11.0");
        Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .forEach(v -> versions.put(Integer.parseInt(v.substring(0, v.indexOf('.'))), v));
        containers = "testcontainers".equals(System.getProperty("godwit.pg.backend"));
        try {
            root = containers ? null : Files.createTempDirectory("godwit-test-pg");
            if (root != null) {
                root.toFile().setExecutable(true, false);
                root.toFile().setReadable(true, false);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Numbers the run's test databases so that no two tests of the run share a name. */
    synchronized int nextDatabaseNumber() {
        return ++databases;
    }

    synchronized PgServer server(int major) {
        return started.computeIfAbsent(major, this::startServer);
    }

    /** Starts a server of its own (not shared), for tests that need special settings or will break it. */
    PgServer dedicated(int major, Map<String, String> settings, java.util.List<String> extraHba) {
        Assumptions.assumeFalse(containers, "dedicated servers need the embedded backend");
        return new EmbeddedPgServer(LocalPostgres.create(binaries(major), root.resolve("pg" + major + "-" + System.nanoTime()),
                settings, extraHba));
    }

    /** A new directory for one more server of this run, under the run's root. */
    Path newHome(String kind) {
        Assumptions.assumeFalse(containers, "servers of their own need the embedded backend");
        return root.resolve(kind + "-" + System.nanoTime());
    }

    private PgServer startServer(int major) {
        if (containers) {
            Assumptions.assumeTrue(ContainerPgServer.dockerAvailable(),
                    "the testcontainers backend was chosen but no Docker engine is reachable");
            return ContainerPgServer.start(major);
        }
        return new EmbeddedPgServer(LocalPostgres.create(binaries(major), root.resolve("pg" + major)));
    }

    private PgBinaries binaries(int major) {
        String version = versions.get(major);
        if (version == null) {
            throw new IllegalArgumentException("PostgreSQL " + major + " is not configured for tests; godwit.pg.versions = "
                    + versions.values());
        }
        String dir = System.getProperty("godwit.pg.binaries");
        return PgBinaries.install(version, dir == null ? null : Path.of(dir), PgBinaries.defaultCacheRoot());
    }

    @Override
    public synchronized void close() {
        started.values().forEach(PgServer::close);
        started.clear();
        if (root != null) {
            try (var files = Files.walk(root)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a leftover temporary directory is harmless
            }
        }
    }
}
