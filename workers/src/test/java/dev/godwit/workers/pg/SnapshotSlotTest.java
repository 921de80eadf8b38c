package dev.godwit.workers.pg;

import org.junit.jupiter.api.Test;

import java.sql.SQLException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SnapshotSlotTest {

    @Test
    void aPermanentOrTemporarySlotUsesTheSyntaxEveryVersionUnderstands() throws SQLException {
        assertEquals("CREATE_REPLICATION_SLOT \"godwit_t\" LOGICAL pgoutput",
                SnapshotSlot.command("godwit_t", SnapshotSlot.Kind.PERMANENT, 13));
        assertEquals("CREATE_REPLICATION_SLOT \"godwit_t_sync\" TEMPORARY LOGICAL pgoutput",
                SnapshotSlot.command("godwit_t_sync", SnapshotSlot.Kind.TEMPORARY, 17));
    }

    @Test
    void aFailoverSlotExportsItsSnapshotThroughTheOptionList() throws SQLException {
        assertEquals("CREATE_REPLICATION_SLOT \"godwit_t\" LOGICAL pgoutput (SNAPSHOT 'export', FAILOVER true)",
                SnapshotSlot.command("godwit_t", SnapshotSlot.Kind.FAILOVER, 17));
    }

    @Test
    void aFailoverSlotOnASourceBefore17IsRefusedNamingTheVersion() {
        SQLException e = assertThrows(SQLException.class,
                () -> SnapshotSlot.command("godwit_t", SnapshotSlot.Kind.FAILOVER, 16));
        assertEquals("0A000", e.getSQLState());
        assertEquals("replication slot godwit_t cannot be a failover slot: the source runs PostgreSQL 16, and failover"
                + " slots need PostgreSQL 17 or later (remove settings.slot.failover)", e.getMessage());
    }
}
