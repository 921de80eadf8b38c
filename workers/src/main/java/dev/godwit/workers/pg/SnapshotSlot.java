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

    /**
     * Creates the slot on a new replication connection. A temporary slot (for re-copying one table under a fresh
     * snapshot whose LSN is known) disappears with the connection; a permanent one is the task's CDC slot.
     */
    public static SnapshotSlot create(PgConnector source, String slotName, boolean temporary) throws SQLException {
        Connection c = source.openReplication(temporary ? "snapshot" : "slot");
        try (Statement s = c.createStatement();
             // the legacy syntax exports a snapshot by default on every version from 10 to 17
             ResultSet rs = s.executeQuery("CREATE_REPLICATION_SLOT " + SqlText.identifier(slotName)
                     + (temporary ? " TEMPORARY" : "") + " LOGICAL pgoutput")) {
            rs.next();
            return new SnapshotSlot(c, rs.getString("slot_name"), Lsn.parse(rs.getString("consistent_point")),
                    rs.getString("snapshot_name"));
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
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
