package dev.godwit.orchestrator.fallback;

import dev.godwit.workers.pg.Lsn;
import dev.godwit.workers.testkit.PgExtension;
import dev.godwit.workers.testkit.PgLab;
import dev.godwit.workers.testkit.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The reverse stream's checkpoint on a real server: the origin must hold the position of the last transaction the
 * source committed, and no other. PostgreSQL moves a session's origin to the position its transaction named when that
 * transaction aborts, too; these tests show it, and that the checkpoint leaves no such abort behind.
 */
@ExtendWith(PgExtension.class)
class OriginCheckpointIT {
    private static final Lsn FIRST = Lsn.parse("0/A000000");
    private static final Lsn SECOND = Lsn.parse("0/B000000");

    /**
     * The cause of the kill test's lost transactions: a client that named a position and died before its COMMIT
     * leaves a backend that aborts the transaction, and moves the origin all the same.
     */
    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aTransactionThatAbortsAfterNamingItsPositionMovesTheOrigin(PgLab lab) throws Exception {
        TestDatabase db = lab.newDatabase(17);
        String origin = db.name() + "_origin";
        db.execute("CREATE TABLE t (id int PRIMARY KEY)", "SELECT pg_replication_origin_create('" + origin + "')");
        try (Connection applier = db.connect(); Statement s = applier.createStatement()) {
            s.execute("SELECT pg_replication_origin_session_setup('" + origin + "')");
            String pid = value(applier, "SELECT pg_backend_pid()");
            applier.setAutoCommit(false);
            s.execute("INSERT INTO t VALUES (1)");
            s.execute("SELECT pg_replication_origin_xact_setup('" + FIRST + "', now())");
            db.execute("SELECT pg_terminate_backend(" + pid + ")"); // as when the client is killed: the backend aborts
            awaitGone(db, pid);
            assertEquals("0", db.value("SELECT count(*) FROM t"), "the transaction aborted");
            assertEquals(FIRST.toString(), db.value("SELECT pg_replication_origin_progress('" + origin + "', true)"),
                    "and moved the origin");
        } finally {
            db.execute("SELECT pg_replication_origin_drop('" + origin + "')");
        }
    }

    /** A COMMIT that fails leaves the origin where the last committed transaction put it. */
    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aCommitThatFailsLeavesTheOriginAtTheLastCommittedPosition(PgLab lab) throws Exception {
        TestDatabase db = lab.newDatabase(17);
        String origin = db.name() + "_origin";
        db.execute("CREATE TABLE t (id int PRIMARY KEY)",
                "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                        + " IF NEW.id < 0 THEN RAISE EXCEPTION 'refused at commit'; END IF; RETURN NULL; END $$",
                "CREATE CONSTRAINT TRIGGER refuse AFTER INSERT ON t DEFERRABLE INITIALLY DEFERRED FOR EACH ROW"
                        + " EXECUTE FUNCTION refuse()",
                "SELECT pg_replication_origin_create('" + origin + "')");
        try (Connection applier = db.connect(); Statement s = applier.createStatement()) {
            OriginCheckpoint checkpoint = OriginCheckpoint.take(applier, origin);
            applier.setAutoCommit(false);
            s.execute("INSERT INTO t VALUES (1)");
            checkpoint.write(applier, FIRST, Instant.now());
            checkpoint.commit(applier);
            assertEquals(FIRST.toString(), db.value("SELECT pg_replication_origin_progress('" + origin + "', true)"));

            s.execute("INSERT INTO t VALUES (-1)");
            checkpoint.write(applier, SECOND, Instant.now());
            SQLException refused = assertThrows(SQLException.class, () -> checkpoint.commit(applier));
            assertEquals("P0001", refused.getSQLState(), refused.toString());
            assertEquals("1", db.value("SELECT count(*) FROM t"));
            assertEquals(FIRST.toString(), db.value("SELECT pg_replication_origin_progress('" + origin + "', true)"),
                    "the origin names only what the source committed");
        } finally {
            db.execute("SELECT pg_replication_origin_drop('" + origin + "')");
        }
    }

    private static String value(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void awaitGone(TestDatabase db, String pid) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!db.value("SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid).equals("0")) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("backend " + pid + " did not end");
            }
            Thread.sleep(50);
        }
    }
}
