package dev.godwit.workers.pg;

import dev.godwit.workers.cdc.stream.SlotInspector;
import dev.godwit.workers.testkit.PgExtension;
import dev.godwit.workers.testkit.PgLab;
import dev.godwit.workers.testkit.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

@ExtendWith(PgExtension.class)
class FailoverSlotIT {

    @Test
    void aFailoverSlotOn17IsMarkedSoAndItsSnapshotSeesOnlyWhatCameBefore(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(17);
        source.execute("CREATE TABLE t (id int PRIMARY KEY)", "INSERT INTO t SELECT generate_series(1, 100)");
        PgConnector connector = new PgConnector("source", source.endpoint(source.server().superuser()));
        try (SnapshotSlot slot = SnapshotSlot.create(connector, "godwit_failover", SnapshotSlot.Kind.FAILOVER)) {
            source.execute("INSERT INTO t SELECT generate_series(101, 150)");
            try (Connection c = source.connect(); Statement s = c.createStatement()) {
                c.setAutoCommit(false);
                s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
                s.execute("SET TRANSACTION SNAPSHOT '" + slot.snapshotName() + "'");
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
                    rs.next();
                    assertEquals(100, rs.getLong(1));
                }
                c.rollback();
            }
        }
        try (Connection c = source.connect()) {
            assertEquals(Optional.of(true), SlotInspector.failover(c, "godwit_failover"));
        }
        source.execute("SELECT pg_drop_replication_slot('godwit_failover')");
    }

    @Test
    void aPermanentSlotIsNotAFailoverSlotAndA13SourceHasNoSuchFlag(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(17);
        PgConnector connector = new PgConnector("source", source.endpoint(source.server().superuser()));
        SnapshotSlot.create(connector, "godwit_plain", SnapshotSlot.Kind.PERMANENT).close();
        try (Connection c = source.connect()) {
            assertEquals(Optional.of(false), SlotInspector.failover(c, "godwit_plain"));
            assertEquals("-1", source.value("SHOW max_slot_wal_keep_size"));
            assertEquals(OptionalLong.empty(), SlotInspector.slot(c, "godwit_plain").orElseThrow().safeWalSize(),
                    "no limit, no safe size (not 0, which would read as a slot at its limit)");
        }
        source.execute("SELECT pg_drop_replication_slot('godwit_plain')");

        TestDatabase old = lab.newDatabase(13);
        SQLException e = assertThrows(SQLException.class, () -> SnapshotSlot.create(
                new PgConnector("source", old.endpoint(old.server().superuser())), "godwit_old", SnapshotSlot.Kind.FAILOVER));
        assertEquals("0A000", e.getSQLState());
        assertEquals("0", old.value("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'godwit_old'"));
    }
}
