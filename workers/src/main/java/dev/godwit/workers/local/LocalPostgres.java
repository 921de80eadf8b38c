package dev.godwit.workers.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One PostgreSQL server run from {@link PgBinaries} on 127.0.0.1, for the demo and the tests. PostgreSQL refuses to
 * run as root, and these machines often run as root: then {@code initdb} and {@code pg_ctl} run as an unprivileged
 * user through {@code runuser}, with the data directory owned by that user.
 */
public final class LocalPostgres implements AutoCloseable {
    /** Settings every local server gets: logical decoding with room for many tests' slots. */
    public static final Map<String, String> LOGICAL_DEFAULTS = Map.of(
            "wal_level", "logical",
            "max_replication_slots", "64",
            "max_wal_senders", "64",
            "max_connections", "300",
            "max_worker_processes", "16",
            "wal_sender_timeout", "60s");

    private final PgBinaries binaries;
    private final Path home;
    private final Path dataDir;
    private final int port;
    private final String runAs;

    private LocalPostgres(PgBinaries binaries, Path home, int port, String runAs) {
        this.binaries = binaries;
        this.home = home;
        this.dataDir = home.resolve("data");
        this.port = port;
        this.runAs = runAs;
    }

    /**
     * Initialises a new cluster under {@code home} (which must not exist yet or be empty) with superuser
     * {@code postgres}, and starts it.
     *
     * @param settings postgresql.conf settings on top of {@link #LOGICAL_DEFAULTS}
     * @param extraHba pg_hba.conf lines placed before the default trust lines (e.g. to require scram or TLS)
     */
    public static LocalPostgres create(PgBinaries binaries, Path home, Map<String, String> settings, List<String> extraHba) {
        String runAs = isRoot() ? "nobody" : null;
        LocalPostgres pg = new LocalPostgres(binaries, home, freePort(), runAs);
        pg.initdb(settings, extraHba);
        pg.start();
        return pg;
    }

    public static LocalPostgres create(PgBinaries binaries, Path home) {
        return create(binaries, home, Map.of(), List.of());
    }

    public int port() {
        return port;
    }

    public String host() {
        return "127.0.0.1";
    }

    public int majorVersion() {
        return binaries.majorVersion();
    }

    public String version() {
        return binaries.version();
    }

    public Path dataDirectory() {
        return dataDir;
    }

    public Path logFile() {
        return home.resolve("server.log");
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host() + ":" + port + "/" + database;
    }

    public void start() {
        run(Duration.ofMinutes(2), binaries.bin("pg_ctl").toString(), "-D", dataDir.toString(), "-l", logFile().toString(),
                "-w", "-t", "60", "start");
    }

    /** Clean shutdown: the server finishes checkpointing, as when an administrator restarts it. */
    public void stop() {
        if (isRunning()) {
            run(Duration.ofMinutes(2), binaries.bin("pg_ctl").toString(), "-D", dataDir.toString(), "-w", "-m", "fast", "stop");
        }
    }

    /** Crash: every server process is killed at once; the next start runs crash recovery. */
    public void crash() {
        if (isRunning()) {
            run(Duration.ofMinutes(1), binaries.bin("pg_ctl").toString(), "-D", dataDir.toString(), "-w", "-m", "immediate", "stop");
        }
    }

    /**
     * Makes a physical standby of this server under {@code home} and starts it: it streams from this server through
     * the physical slot {@code primarySlot} (which must exist), as a hot standby. The base backup is a copy of this
     * server's data directory taken while it is cleanly stopped for a moment: the embedded binaries hold no
     * {@code pg_basebackup}, and a copy of a cleanly stopped cluster is a consistent one. Replication slots are not
     * copied, as {@code pg_basebackup} copies none.
     *
     * @param settings postgresql.conf settings of the standby (values quoted as postgresql.conf wants them), such as
     *                 {@code hot_standby_feedback} or {@code sync_replication_slots}
     */
    public LocalPostgres standby(Path home, String primarySlot, Map<String, String> settings) {
        LocalPostgres standby = new LocalPostgres(binaries, home, freePort(), runAs);
        try {
            Files.createDirectories(home);
            if (runAs != null) {
                run(Duration.ofSeconds(30), "chown", runAs, home.toString());
            }
            stop();
            try {
                run(Duration.ofMinutes(2), "cp", "-a", dataDir.toString(), standby.dataDir.toString());
            } finally {
                start();
            }
            run(Duration.ofSeconds(30), "find", standby.dataDir.resolve("pg_replslot").toString(), "-mindepth", "1",
                    "-delete");
            run(Duration.ofSeconds(30), "touch", standby.dataDir.resolve("standby.signal").toString());
            Map<String, String> conf = new LinkedHashMap<>();
            conf.put("port", Integer.toString(standby.port));
            conf.put("unix_socket_directories", "'" + home + "'");
            // a dbname in primary_conninfo lets the standby's slot sync worker read the primary's slots
            conf.put("primary_conninfo", "'host=" + host() + " port=" + port + " user=postgres dbname=postgres"
                    + " application_name=standby_" + standby.port + "'");
            conf.put("primary_slot_name", "'" + primarySlot + "'");
            conf.put("hot_standby", "on");
            conf.putAll(settings);
            StringBuilder text = new StringBuilder("\n# godwit local standby\n");
            conf.forEach((k, v) -> text.append(k).append(" = ").append(v).append('\n'));
            Files.writeString(standby.dataDir.resolve("postgresql.conf"), text, StandardCharsets.UTF_8,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("could not make a standby of " + dataDir + " in " + home, e);
        }
        standby.start();
        return standby;
    }

    /** Ends recovery on a standby ({@code pg_ctl promote}), waiting until it accepts writes. */
    public void promote() {
        run(Duration.ofMinutes(2), binaries.bin("pg_ctl").toString(), "-D", dataDir.toString(), "-w", "-t", "60",
                "promote");
    }

    public void restart() {
        stop();
        start();
    }

    public boolean isRunning() {
        return Files.exists(dataDir.resolve("postmaster.pid"));
    }

    /** Stops the server and deletes its files. */
    @Override
    public void close() {
        try {
            crash();
        } finally {
            PgBinaries.deleteTree(home);
        }
    }

    private void initdb(Map<String, String> settings, List<String> extraHba) {
        try {
            Files.createDirectories(home);
            if (runAs != null) {
                // home must sit under a directory the server's user can traverse, such as /tmp
                run(Duration.ofSeconds(30), "chown", runAs, home.toString());
            }
            run(Duration.ofMinutes(2), binaries.bin("initdb").toString(), "-D", dataDir.toString(), "-U", "postgres",
                    "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync");
            Map<String, String> conf = new LinkedHashMap<>(LOGICAL_DEFAULTS);
            conf.put("port", Integer.toString(port));
            conf.put("listen_addresses", "'127.0.0.1'");
            // the socket goes next to the data directory: short path, writable by the server's user
            conf.put("unix_socket_directories", "'" + home + "'");
            conf.put("fsync", "off");
            conf.put("full_page_writes", "off");
            conf.put("shared_buffers", "128MB");
            conf.put("logging_collector", "off");
            conf.putAll(settings);
            StringBuilder text = new StringBuilder("\n# godwit local server\n");
            conf.forEach((k, v) -> text.append(k).append(" = ").append(v).append('\n'));
            Files.writeString(dataDir.resolve("postgresql.conf"), text, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            if (!extraHba.isEmpty()) {
                Path hba = dataDir.resolve("pg_hba.conf");
                String existing = Files.readString(hba);
                Files.writeString(hba, String.join("\n", extraHba) + "\n" + existing);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not initialise a PostgreSQL cluster in " + home, e);
        }
    }

    /** Writes a file into the data directory (certificates, keys), readable only by the server's user. */
    public void writeDataFile(String name, byte[] content) {
        try {
            Path file = dataDir.resolve(name);
            Files.write(file, content);
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            if (runAs != null) {
                run(Duration.ofSeconds(30), "chown", runAs, file.toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void run(Duration timeout, String... command) {
        List<String> full = new ArrayList<>();
        if (runAs != null && !command[0].equals("chown")) {
            full.addAll(List.of("runuser", "-u", runAs, "--"));
        }
        full.addAll(List.of(command));
        try {
            Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + String.join(" ", full));
            }
            if (p.exitValue() != 0) {
                String log = Files.exists(logFile()) ? tail(Files.readString(logFile())) : "";
                throw new IllegalStateException(String.join(" ", full) + " failed (exit " + p.exitValue() + "):\n"
                        + new String(out, StandardCharsets.UTF_8) + log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + String.join(" ", full), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", full), e);
        }
    }

    private static String tail(String log) {
        return log.length() > 4000 ? log.substring(log.length() - 4000) : log;
    }

    private static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[1].equals("0");
                }
            }
        } catch (IOException ignored) {
            // not Linux: fall back on the user name
        }
        return "root".equals(System.getProperty("user.name"));
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free TCP port", e);
        }
    }
}
