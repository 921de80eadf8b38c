package dev.godwit.workers.testkit;

import dev.godwit.workers.local.LocalPostgres;

/** A server run from the zonky binaries on this machine. */
final class EmbeddedPgServer implements PgServer {
    private final LocalPostgres pg;

    EmbeddedPgServer(LocalPostgres pg) {
        this.pg = pg;
    }

    @Override
    public String host() {
        return pg.host();
    }

    @Override
    public int port() {
        return pg.port();
    }

    @Override
    public int majorVersion() {
        return pg.majorVersion();
    }

    @Override
    public void writeDataFile(String name, byte[] content) {
        pg.writeDataFile(name, content);
    }

    @Override
    public boolean canRestart() {
        return true;
    }

    @Override
    public void restart() {
        pg.restart();
    }

    @Override
    public void crash() {
        pg.crash();
    }

    @Override
    public void start() {
        pg.start();
    }

    @Override
    public PgServer standby(java.nio.file.Path home, String primarySlot, java.util.Map<String, String> settings) {
        return new EmbeddedPgServer(pg.standby(home, primarySlot, settings));
    }

    @Override
    public void promote() {
        pg.promote();
    }

    @Override
    public void close() {
        pg.close();
    }

    @Override
    public String toString() {
        return "PostgreSQL " + pg.version() + " on port " + pg.port();
    }
}
