package dev.godwit.workers.testkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(PgExtension.class)
class LocalServersIT {

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {13, 17})
    void startsAServerOfEachMajorVersionWithLogicalDecoding(int major, PgLab lab) {
        TestDatabase db = lab.newDatabase(major);
        assertEquals(String.valueOf(major), db.value("SELECT current_setting('server_version_num')::int / 10000"));
        assertEquals("logical", db.value("SHOW wal_level"));
        assertTrue(Integer.parseInt(db.value("SHOW max_replication_slots")) >= 20);
    }

    @Test
    void givesEveryTestItsOwnDatabases(PgLab lab) {
        TestDatabase a = lab.newDatabase(17);
        TestDatabase b = lab.newDatabase(17);
        assertNotEquals(a.name(), b.name());
        a.execute("CREATE TABLE t (id int)", "INSERT INTO t VALUES (1)");
        assertEquals(1, a.count("t"));
        assertEquals("0", b.value("SELECT count(*) FROM pg_class WHERE relname = 't'"));
    }

    @Test
    void survivesACrashOfItsServer(PgLab lab) {
        PgServer server = lab.dedicatedServer(17, java.util.Map.of(), java.util.List.of());
        TestDatabase db = lab.newDatabase(server);
        db.execute("CREATE TABLE t (id int)", "INSERT INTO t VALUES (1)");
        server.crash();
        server.start();
        assertEquals(1, db.count("t"));
    }
}
