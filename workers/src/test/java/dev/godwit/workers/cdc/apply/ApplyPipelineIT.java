package dev.godwit.workers.cdc.apply;

import static dev.godwit.workers.cdc.apply.ApplyFixture.key;
import static dev.godwit.workers.cdc.apply.ApplyFixture.old;
import static dev.godwit.workers.cdc.apply.ApplyFixture.relation;
import static dev.godwit.workers.cdc.apply.ApplyFixture.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.godwit.workers.cdc.apply.ApplyFixture.Feed;
import dev.godwit.workers.cdc.apply.ApplyFixture.TableCheckpoint;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Delete;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Insert;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Relation;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Update;
import dev.godwit.workers.cdc.pgoutput.ReplicaIdentity;
import dev.godwit.workers.testkit.PgExtension;
import dev.godwit.workers.testkit.PgLab;
import dev.godwit.workers.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The pipelined, grouped apply (the defaults) against the same messages applied one statement and one source
 * transaction at a time: the targets must end up identical, whatever mix of tables, repeated keys, key changes and
 * foreign keys the transactions hold.
 */
@ExtendWith(PgExtension.class)
@Timeout(180)
class ApplyPipelineIT {

    private static final String SCHEMA = """
            CREATE TABLE accounts (id int PRIMARY KEY, balance int NOT NULL, note text);
            CREATE TABLE tellers (id int PRIMARY KEY, balance int NOT NULL);
            CREATE TABLE history (id bigint PRIMARY KEY, account int, delta int);
            CREATE TABLE parent (id int PRIMARY KEY);
            CREATE TABLE child (id int PRIMARY KEY, parent int NOT NULL REFERENCES parent);
            CREATE TABLE keyless (a int, b text);
            ALTER TABLE keyless REPLICA IDENTITY FULL;
            """;
    private static final Relation ACCOUNTS = relation(1, "public", "accounts", ReplicaIdentity.DEFAULT,
            "id*", "balance", "note");
    private static final Relation TELLERS = relation(2, "public", "tellers", ReplicaIdentity.DEFAULT, "id*", "balance");
    private static final Relation HISTORY = relation(3, "public", "history", ReplicaIdentity.DEFAULT,
            "id*", "account", "delta");
    private static final Relation PARENT = relation(4, "public", "parent", ReplicaIdentity.DEFAULT, "id*");
    private static final Relation CHILD = relation(5, "public", "child", ReplicaIdentity.DEFAULT, "id*", "parent");
    private static final Relation KEYLESS = relation(6, "public", "keyless", ReplicaIdentity.FULL, "a", "b");
    private static final List<String> TABLES = List.of("accounts", "tellers", "history", "parent", "child", "keyless");

    private static TestDatabase target(PgLab lab) {
        TestDatabase db = lab.newDatabase(17);
        db.execute(SCHEMA);
        db.execute("INSERT INTO accounts SELECT g, 0, 'n' || g FROM generate_series(1, 50) g",
                "INSERT INTO tellers SELECT g, 0 FROM generate_series(1, 5) g",
                "INSERT INTO keyless SELECT g % 3, 'same' FROM generate_series(1, 30) g");
        return db;
    }

    /** A random but valid history: every UPDATE and DELETE finds its row; child rows come and go with parents. */
    private static List<List<PgOutputMessage>> transactions(int count, long seed) {
        Random random = new Random(seed);
        List<List<PgOutputMessage>> out = new ArrayList<>();
        int[] balances = new int[51];
        int[] tellers = new int[6];
        List<Integer> accounts = new ArrayList<>();
        for (int i = 1; i <= 50; i++) {
            accounts.add(i);
        }
        int[] keyless = {10, 10, 10};
        long historyId = 0;
        int nextAccount = 1000;
        for (int n = 1; n <= count; n++) {
            List<PgOutputMessage> tx = new ArrayList<>();
            int shape = random.nextInt(10);
            if (shape < 6) { // a pgbench transaction: three tables updated, one inserted
                int index = random.nextInt(accounts.size());
                int account = accounts.get(index);
                int teller = 1 + random.nextInt(5);
                int delta = random.nextInt(100) - 50;
                int bal = account <= 50 ? (balances[account] += delta) : delta;
                tx.add(new Update(1, Optional.empty(), row(String.valueOf(account), String.valueOf(bal), "n" + account)));
                tx.add(new Update(2, Optional.empty(), row(String.valueOf(teller), String.valueOf(tellers[teller] += delta))));
                tx.add(new Insert(3, row(String.valueOf(++historyId), String.valueOf(account), String.valueOf(delta))));
                tx.add(new Update(2, Optional.empty(), row(String.valueOf(teller), String.valueOf(tellers[teller] += 1))));
            } else if (shape < 8) { // a key change, then the moved row updated again, then a delete
                int index = random.nextInt(accounts.size());
                int from = accounts.get(index);
                int to = nextAccount++;
                accounts.set(index, to);
                tx.add(new Update(1, Optional.of(key(String.valueOf(from), null, null)),
                        row(String.valueOf(to), "7", "moved")));
                tx.add(new Update(1, Optional.empty(), row(String.valueOf(to), "8", "moved again")));
                if (accounts.size() > 10) {
                    int gone = accounts.remove(random.nextInt(accounts.size()));
                    tx.add(new Delete(1, key(String.valueOf(gone), null, null)));
                }
            } else if (shape < 9) { // parent and child: only the source's order satisfies the foreign key
                int p = n;
                tx.add(new Insert(4, row(String.valueOf(p))));
                tx.add(new Insert(5, row(String.valueOf(p), String.valueOf(p))));
                tx.add(new Update(2, Optional.empty(), row("1", String.valueOf(tellers[1] += 1))));
                tx.add(new Delete(5, key(String.valueOf(p), null)));
                tx.add(new Delete(4, key(String.valueOf(p))));
                tx.add(new Insert(4, row(String.valueOf(p))));
            } else { // one of several identical rows of a table without a key
                int a = random.nextInt(3);
                if (keyless[a] > 1) {
                    keyless[a]--;
                    tx.add(new Delete(6, old(String.valueOf(a), "same")));
                }
                tx.add(new Insert(6, row(String.valueOf(a), "same")));
                keyless[a]++;
            }
            out.add(tx);
        }
        return out;
    }

    private static void feed(Feed f, List<List<PgOutputMessage>> transactions) throws SQLException {
        for (int n = 1; n <= transactions.size(); n++) {
            f.begin(n);
            if (n == 1) {
                f.send(ACCOUNTS, TELLERS, HISTORY, PARENT, CHILD, KEYLESS);
            }
            f.send(transactions.get(n - 1).toArray(PgOutputMessage[]::new)).commit(n);
        }
        f.applier.commitPending();
    }

    @Test
    void pipelinedAndGroupedApplyEndsWithTheSameRowsAsOneStatementAtATime(PgLab lab) throws SQLException {
        List<List<PgOutputMessage>> transactions = transactions(3000, 7);
        TestDatabase reference = target(lab);
        TestDatabase pipelined = target(lab);
        try (Connection conn = reference.connect()) {
            feed(new Feed(new ChangeApplier(conn, ApplyFixture.identityRouting(reference),
                    new TableCheckpoint(reference), ApplyFixture.perTransaction().withBatchSize(1))), transactions);
        }
        Feed f;
        try (Connection conn = pipelined.connect()) {
            f = new Feed(new ChangeApplier(conn, ApplyFixture.identityRouting(pipelined),
                    new TableCheckpoint(pipelined), ApplyFixture.grouped().withBatchSize(64)));
            feed(f, transactions);
        }
        for (String table : TABLES) {
            assertEquals(reference.fingerprint(table), pipelined.fingerprint(table), table);
        }
        assertTrue(pipelined.count("history") > 1000, "the history really was written");
        assertEquals(Optional.of(Feed.endLsn(3000)), new TableCheckpoint(pipelined).stored());
        assertEquals(3000, f.applier.stats().transactions());
    }

    @Test
    void aMissingRowInTheMiddleOfABatchIsReportedWithItsKeyAndTransactionAndNothingCommits(PgLab lab)
            throws SQLException {
        TestDatabase db = target(lab);
        TableCheckpoint checkpoint = new TableCheckpoint(db);
        try (Connection conn = db.connect()) {
            Feed f = new Feed(new ChangeApplier(conn, ApplyFixture.identityRouting(db), checkpoint,
                    ApplyFixture.grouped()));
            f.tx(1, ACCOUNTS, TELLERS, new Update(1, Optional.empty(), row("1", "5", "x")),
                    new Update(2, Optional.empty(), row("1", "5")));
            f.tx(2, new Update(1, Optional.empty(), row("2", "5", "x")),
                    new Update(1, Optional.empty(), row("777", "5", "x")),
                    new Update(1, Optional.empty(), row("3", "5", "x")));
            ApplyConflictException missing = assertThrows(ApplyConflictException.class, f.applier::commitPending);
            assertTrue(missing.getMessage().contains("UPDATE found no row") && missing.getMessage().contains("id='777'")
                    && missing.getMessage().contains(Feed.finalLsn(2).toString()), missing.getMessage());
        }
        assertEquals(Optional.empty(), checkpoint.stored());
        assertEquals("0", db.value("SELECT sum(balance) FROM accounts"));
    }

    @Test
    void theSameKeyDeletedTwiceInOneRunIsAMissingRowAsWhenAloneAndIgnoredWhenThePolicySaysSo(PgLab lab)
            throws SQLException {
        TestDatabase db = target(lab);
        try (Connection conn = db.connect()) {
            Feed f = new Feed(new ChangeApplier(conn, ApplyFixture.identityRouting(db), new TableCheckpoint(db),
                    ApplyFixture.grouped()));
            f.tx(1, ACCOUNTS, new Delete(1, key("4", null, null)), new Delete(1, key("5", null, null)));
            f.tx(2, new Delete(1, key("5", null, null)), new Delete(1, key("6", null, null)));
            ApplyConflictException missing = assertThrows(ApplyConflictException.class, f.applier::commitPending);
            assertTrue(missing.getMessage().contains("DELETE found no row") && missing.getMessage().contains("id='5'")
                    && missing.getMessage().contains(Feed.finalLsn(2).toString()), missing.getMessage());
        }
        assertEquals(50, db.count("accounts"));
        try (Connection conn = db.connect()) {
            Feed f = new Feed(new ChangeApplier(conn, ApplyFixture.identityRouting(db), new TableCheckpoint(db),
                    ApplyFixture.grouped().withConflicts(new dev.godwit.mappings.task.ApplyConflicts(false, false,
                            true))));
            f.tx(1, ACCOUNTS, new Delete(1, key("4", null, null)), new Delete(1, key("5", null, null)));
            f.tx(2, new Delete(1, key("5", null, null)), new Delete(1, key("6", null, null)));
            f.applier.commitPending();
            assertEquals(3, f.applier.stats().deletes());
        }
        assertEquals(47, db.count("accounts"));
    }

    @Test
    void underInsertOnUpdateMissingAnUpdateRunsAfterTheQueuedChangesBeforeItAndAMissingRowIsInserted(PgLab lab)
            throws SQLException {
        TestDatabase db = target(lab);
        try (Connection conn = db.connect()) {
            Feed f = new Feed(new ChangeApplier(conn, ApplyFixture.identityRouting(db), new TableCheckpoint(db),
                    ApplyFixture.grouped().withConflicts(new dev.godwit.mappings.task.ApplyConflicts(false, true,
                            false))));
            f.tx(1, ACCOUNTS, new Insert(1, row("100", "1", "queued")), new Insert(1, row("101", "1", "queued")),
                    new Update(1, Optional.empty(), row("100", "2", "updated after its insert")),
                    new Update(1, Optional.empty(), row("200", "3", "was missing")));
            f.applier.commitPending();
            assertEquals(1, f.applier.stats().updates());
        }
        assertEquals(List.of("100:2:updated after its insert", "101:1:queued", "200:3:was missing"),
                db.column("SELECT id || ':' || balance || ':' || note FROM accounts WHERE id >= 100 ORDER BY id"));
    }

    @Test
    void aGroupCommitsWhenFullWhenOpenLongerThanItsBoundOrWhenAskedAndNeverEarlier(PgLab lab) throws SQLException {
        TestDatabase db = target(lab);
        TableCheckpoint checkpoint = new TableCheckpoint(db);
        try (Connection conn = db.connect()) {
            Feed f = new Feed(new ChangeApplier(conn, ApplyFixture.identityRouting(db), checkpoint,
                    ApplyFixture.grouped().withMaxGroupDuration(Duration.ofHours(1))));
            f.tx(1, TELLERS, new Update(2, Optional.empty(), row("1", "1")));
            f.tx(2, new Update(2, Optional.empty(), row("1", "2")));
            assertEquals(Optional.empty(), checkpoint.stored());
            assertEquals("0", db.value("SELECT balance FROM tellers WHERE id = 1"));
            f.applier.commitPending();
            assertEquals(Optional.of(Feed.endLsn(2)), checkpoint.stored());
            assertEquals("2", db.value("SELECT balance FROM tellers WHERE id = 1"));
        }
        java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong();
        try (Connection conn = db.connect()) {
            Feed f = new Feed(new ChangeApplier(conn, ApplyFixture.identityRouting(db), checkpoint,
                    ApplyFixture.grouped().withMaxGroupDuration(Duration.ofMillis(50)).withGroupClock(clock::get)));
            f.tx(3, TELLERS, new Update(2, Optional.empty(), row("1", "3")));
            clock.addAndGet(Duration.ofMillis(49).toNanos());
            f.tx(4, new Update(2, Optional.empty(), row("1", "4")));
            assertEquals(Optional.of(Feed.endLsn(2)), checkpoint.stored(), "a group within its bound stays open");
            clock.addAndGet(Duration.ofMillis(1).toNanos());
            f.tx(5, new Update(2, Optional.empty(), row("1", "5")));
            assertEquals(Optional.of(Feed.endLsn(5)), checkpoint.stored(), "a group open past its bound commits");
        }
    }
}
