package dev.godwit.workers.testkit;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/** A server in a container, for machines with a Docker engine (Maven profile {@code testcontainers}). */
final class ContainerPgServer implements PgServer {
    private final PostgreSQLContainer<?> container;
    private final int major;

    private ContainerPgServer(PostgreSQLContainer<?> container, int major) {
        this.container = container;
        this.major = major;
    }

    static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    static ContainerPgServer start(int major) {
        PostgreSQLContainer<?> c = new PostgreSQLContainer<>(DockerImageName.parse("postgres:" + major))
                .withUsername("postgres")
                .withPassword("postgres")
                .withCommand("postgres", "-c", "wal_level=logical", "-c", "max_replication_slots=64",
                        "-c", "max_wal_senders=64", "-c", "max_connections=300", "-c", "fsync=off");
        c.start();
        return new ContainerPgServer(c, major);
    }

    @Override
    public String host() {
        return container.getHost();
    }

    @Override
    public int port() {
        return container.getMappedPort(PostgreSQLContainer.POSTGRESQL_PORT);
    }

    @Override
    public int majorVersion() {
        return major;
    }

    @Override
    public String superuserPassword() {
        return "postgres";
    }

    @Override
    public boolean canRestart() {
        // a restarted container gets a new mapped port, which the running godwit process could not follow
        return false;
    }

    @Override
    public void restart() {
        throw new UnsupportedOperationException("containers are not restarted by the tests");
    }

    @Override
    public void crash() {
        throw new UnsupportedOperationException("containers are not crashed by the tests");
    }

    @Override
    public void start() {
        throw new UnsupportedOperationException("containers are started once");
    }

    @Override
    public void close() {
        container.stop();
    }

    @Override
    public String toString() {
        return "PostgreSQL " + major + " in container " + container.getContainerName();
    }
}
