package dev.godwit.workers.cdc.apply;

import static dev.godwit.workers.cdc.apply.ApplyFixture.relation;
import static dev.godwit.workers.cdc.apply.ApplyFixture.row;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.godwit.workers.cdc.apply.ApplyFixture.Feed;
import dev.godwit.workers.cdc.apply.ApplyFixture.TableCheckpoint;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Insert;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Relation;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Update;
import dev.godwit.workers.cdc.pgoutput.ReplicaIdentity;
import dev.godwit.workers.testkit.PgExtension;
import dev.godwit.workers.testkit.PgLab;
import dev.godwit.workers.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Large transactions stream into the open target transaction; only one insert batch is ever held. */
@ExtendWith(PgExtension.class)
class ApplyVolumeIT {

    private static final Relation BIG = relation(20, "public", "big", ReplicaIdentity.DEFAULT, "id*", "v");

    @Test
    @Timeout(60)
    void changesReachTheOpenTargetTransactionAsTheyArriveWithAtMostOneBatchPending(PgLab lab) throws SQLException {
        TestDatabase db = lab.newDatabase(17);
        db.execute("CREATE TABLE big (id int PRIMARY KEY, v text)");
        try (Connection conn = db.connect()) {
            Feed f = new Feed(new ChangeApplier(conn, ApplyFixture.identityRouting(db), new TableCheckpoint(db),
                    ApplyFixture.perTransaction().withBatchSize(100)));
            f.begin(1).send(BIG);
            for (int i = 1; i <= 250; i++) {
                f.send(new Insert(20, row(Integer.toString(i), "v")));
            }
            assertEquals(200, countInOwnTransaction(conn), "two full batches sent, 50 rows pending");
            f.send(new Update(20, Optional.empty(), row("1", "changed")));
            assertEquals(250, countInOwnTransaction(conn), "the pending batch is flushed before the UPDATE");
            f.commit(1);
        }
        assertEquals(250, db.count("big"));
        assertEquals("changed", db.value("SELECT v FROM big WHERE id = 1"));
    }

    @Test
    @Timeout(300)
    void aTransactionOf200kInsertsAndThousandsOfUpdatesAppliesInBatches(PgLab lab) throws SQLException {
        TestDatabase db = lab.newDatabase(17);
        db.execute("CREATE TABLE big (id int PRIMARY KEY, v text)");
        try (Connection conn = db.connect()) {
            Feed f = new Feed(new ChangeApplier(conn, ApplyFixture.identityRouting(db), new TableCheckpoint(db),
                    ApplyFixture.perTransaction()));
            f.begin(1).send(BIG);
            for (int i = 1; i <= 200_000; i++) { // generated as sent: the test holds no list either
                f.send(new Insert(20, row(Integer.toString(i), "row " + i)));
            }
            for (int i = 1; i <= 3_000; i++) {
                f.send(new Update(20, Optional.empty(), row(Integer.toString(i * 50), "updated")));
            }
            f.commit(1);
            assertEquals(200_000, f.applier.stats().inserts());
            assertEquals(3_000, f.applier.stats().updates());
            assertEquals(1, f.applier.stats().transactions());
        }
        assertEquals(200_000, db.count("big"));
        assertEquals("3000", db.value("SELECT count(*) FROM big WHERE v = 'updated'"));
    }

    private static long countInOwnTransaction(Connection conn) throws SQLException {
        try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM big")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
