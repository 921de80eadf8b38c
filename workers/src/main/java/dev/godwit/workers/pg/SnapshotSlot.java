package dev.godwit.workers.pg;

import dev.godwit.mappings.sql.SqlText;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A logical replication slot created together with an exported snapshot: the data visible in the snapshot plus the
 * changes the slot streams from its consistent point are the whole table, with no gap and no overlap. The snapshot
 * exists only while the creating replication connection stays open and idle, so this object holds that connection
 * until {@link #close()} — call it only after every copy worker has imported the snapshot.
 */
public final class SnapshotSlot implements AutoCloseable {
    private final Connection replication;
    private final String slotName;
    private final Lsn consistentPoint;
    private final String snapshotName;

    private SnapshotSlot(Connection replication, String slotName, Lsn consistentPoint, String snapshotName) {
        this.replication = replication;
        this.slotName = slotName;
        this.consistentPoint = consistentPoint;
        this.snapshotName = snapshotName;
    }

    /** How long the slot lives, and whether standbys keep a copy of it. */
    public enum Kind {
        /** disappears with the connection: for re-copying one table under a fresh snapshot whose LSN is known */
        TEMPORARY,
        /** the task's CDC slot */
        PERMANENT,
        /**
         * the task's CDC slot with {@code failover = true} (PostgreSQL 17+): standbys running
         * {@code sync_replication_slots} keep a copy of it, from which a promoted standby streams on
         */
        FAILOVER
    }

    /** The first major version whose slots can be failover slots. */
    public static final int FAILOVER_SINCE = 17;

    /**
     * Creates the slot on a new replication connection. A temporary slot (for re-copying one table under a fresh
     * snapshot whose LSN is known) disappears with the connection; a permanent one is the task's CDC slot.
     */
    public static SnapshotSlot create(PgConnector source, String slotName, boolean temporary) throws SQLException {
        return create(source, slotName, temporary ? Kind.TEMPORARY : Kind.PERMANENT);
    }

    /**
     * Creates the slot on a new replication connection.
     *
     * @throws SQLException with SQLSTATE 0A000 (feature not supported) for a failover slot on a source older than
     *                      PostgreSQL 17, whose replication protocol has no such option
     */
    public static SnapshotSlot create(PgConnector source, String slotName, Kind kind) throws SQLException {
        Connection c = source.openReplication(kind == Kind.TEMPORARY ? "snapshot" : "slot");
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(command(slotName, kind, c.getMetaData().getDatabaseMajorVersion()))) {
            rs.next();
            return new SnapshotSlot(c, rs.getString("slot_name"), Lsn.parse(rs.getString("consistent_point")),
                    rs.getString("snapshot_name"));
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    static String command(String slotName, Kind kind, int major) throws SQLException {
        String head = "CREATE_REPLICATION_SLOT " + SqlText.identifier(slotName)
                + (kind == Kind.TEMPORARY ? " TEMPORARY" : "") + " LOGICAL pgoutput";
        if (kind != Kind.FAILOVER) {
            // the legacy syntax exports a snapshot by default on every version from 10 to 18
            return head;
        }
        if (major < FAILOVER_SINCE) {
            throw new SQLException("replication slot " + slotName + " cannot be a failover slot: the source runs"
                    + " PostgreSQL " + major + ", and failover slots need PostgreSQL " + FAILOVER_SINCE
                    + " or later (remove settings.slot.failover)", "0A000");
        }
        // 'export' is the option list's default too; spelled out because the copy workers depend on it
        return head + " (SNAPSHOT 'export', FAILOVER true)";
    }

    /**
     * Makes an existing slot a failover slot or an ordinary one ({@code ALTER_REPLICATION_SLOT}, PostgreSQL 17+), for
     * a task whose {@code settings.slot.failover} changed after the slot was created. The slot must not be in use.
     */
    public static void setFailover(PgConnector source, String slotName, boolean failover) throws SQLException {
        try (Connection c = source.openReplication("slot"); Statement s = c.createStatement()) {
            s.execute("ALTER_REPLICATION_SLOT " + SqlText.identifier(slotName) + " (FAILOVER " + failover + ")");
        }
    }

    public String slotName() {
        return slotName;
    }

    /** The LSN from which the slot streams: every transaction committed before it is in the snapshot. */
    public Lsn consistentPoint() {
        return consistentPoint;
    }

    /** The name copy workers pass to {@code SET TRANSACTION SNAPSHOT}. */
    public String snapshotName() {
        return snapshotName;
    }

    /** Ends the exported snapshot (and drops a temporary slot). */
    @Override
    public void close() throws SQLException {
        replication.close();
    }
}
