package dev.godwit.workers.cdc.apply;

import static dev.godwit.workers.cdc.apply.ApplyFixture.relation;
import static dev.godwit.workers.cdc.apply.ApplyFixture.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.godwit.workers.cdc.apply.ApplyFixture.Feed;
import dev.godwit.workers.cdc.apply.ApplyFixture.TableCheckpoint;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Insert;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Relation;
import dev.godwit.workers.cdc.pgoutput.ReplicaIdentity;
import dev.godwit.workers.pg.Lsn;
import dev.godwit.workers.pg.ReplicaMode;
import dev.godwit.workers.testkit.PgExtension;
import dev.godwit.workers.testkit.PgLab;
import dev.godwit.workers.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Parallel apply tells one observer of every lane's commits, from the lanes' own threads. */
@ExtendWith(PgExtension.class)
@Timeout(120)
class ApplyObserverIT {

    private static final Relation ITEMS = relation(1, "public", "items", ReplicaIdentity.DEFAULT, "id*", "doc");

    /** Sums what it is told, from any thread, and notes which threads told it. */
    private static final class Sums implements ApplyObserver {
        final LongAdder transactions = new LongAdder();
        final LongAdder inserts = new LongAdder();
        final LongAdder commits = new LongAdder();
        final Set<String> threads = ConcurrentHashMap.newKeySet();

        @Override
        public void committed(GroupCommit commit) {
            transactions.add(commit.transactions());
            inserts.add(commit.inserts());
            commits.increment();
            threads.add(Thread.currentThread().getName());
        }
    }

    @Test
    void twoLanesTellTheSameObserverOfEveryTransactionAndChangeTheyCommit(PgLab lab) throws SQLException {
        TestDatabase db = lab.newDatabase(17);
        db.execute("CREATE TABLE items (id int PRIMARY KEY, doc text)");
        Sums sums = new Sums();
        int transactions = 300;
        ApplyStats stats;
        List<Connection> lanes = List.of(db.connect(), db.connect());
        for (Connection lane : lanes) {
            assertTrue(ReplicaMode.enable(lane), "the test's role may use replica mode");
        }
        try (Connection control = db.connect();
             ParallelApplier applier = new ParallelApplier(lanes, ApplyFixture.identityRouting(db),
                     new TableParallelCheckpoint(db), control, ApplyFixture.grouped().withObserver(sums),
                     ApplyExceptionLog.none())) {
            for (int n = 1; n <= transactions; n++) {
                applier.accept(new Lsn(n * 1000L - 500), new PgOutputMessage.Begin(Feed.finalLsn(n),
                        Instant.parse("2024-01-01T00:00:00Z").plusSeconds(n), n));
                if (n == 1) {
                    applier.accept(Lsn.INVALID, ITEMS);
                }
                // two rows in each transaction, none shared with another: any lane may take it
                applier.accept(Lsn.INVALID, new Insert(1, row(Integer.toString(2 * n), "a")));
                applier.accept(Lsn.INVALID, new Insert(1, row(Integer.toString(2 * n + 1), "b")));
                applier.accept(Feed.finalLsn(n), new PgOutputMessage.Commit(0, Feed.finalLsn(n), Feed.endLsn(n),
                        Instant.parse("2024-01-01T00:00:00Z").plusSeconds(n)));
            }
            applier.drain();
            stats = applier.stats();
        }
        assertEquals(transactions, stats.transactions());
        assertEquals(transactions, sums.transactions.sum());
        assertEquals(2L * transactions, sums.inserts.sum());
        assertEquals(2L * transactions, db.count("items"));
        assertTrue(sums.commits.sum() >= 2, "each lane committed at least once");
        assertTrue(sums.threads.size() >= 2, "the lanes told it from their own threads: " + sums.threads);
    }

    /** {@link ParallelCheckpoint} in two tables of the test's database, as the control schema keeps it. */
    private static final class TableParallelCheckpoint implements ParallelCheckpoint {
        private final TableCheckpoint checkpoint;

        TableParallelCheckpoint(TestDatabase db) {
            this.checkpoint = new TableCheckpoint(db);
            db.execute("CREATE TABLE applied_transaction (commit_lsn pg_lsn PRIMARY KEY)");
        }

        @Override
        public void write(Connection target, Lsn commitEndLsn, Instant commitTime) throws SQLException {
            checkpoint.write(target, commitEndLsn, commitTime);
        }

        @Override
        public Lsn current() {
            return checkpoint.current();
        }

        @Override
        public void recordApplied(Connection target, List<Lsn> commitLsns) throws SQLException {
            List<String> lsns = new ArrayList<>();
            commitLsns.forEach(l -> lsns.add(l.toString()));
            try (PreparedStatement ps = target.prepareStatement("INSERT INTO applied_transaction"
                    + " SELECT unnest(?::pg_lsn[]) ON CONFLICT DO NOTHING")) {
                ps.setArray(1, target.createArrayOf("text", lsns.toArray()));
                ps.executeUpdate();
            }
        }

        @Override
        public void advance(Connection control, Lsn commitEndLsn, Instant commitTime) throws SQLException {
            checkpoint.write(control, commitEndLsn, commitTime);
            try (PreparedStatement ps = control.prepareStatement("DELETE FROM applied_transaction"
                    + " WHERE commit_lsn < ?::pg_lsn")) {
                ps.setString(1, commitEndLsn.toString());
                ps.executeUpdate();
            }
        }
    }
}
