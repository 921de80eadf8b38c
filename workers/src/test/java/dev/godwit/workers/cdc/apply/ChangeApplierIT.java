package dev.godwit.workers.cdc.apply;

import static dev.godwit.workers.cdc.apply.ApplyFixture.U;
import static dev.godwit.workers.cdc.apply.ApplyFixture.key;
import static dev.godwit.workers.cdc.apply.ApplyFixture.old;
import static dev.godwit.workers.cdc.apply.ApplyFixture.relation;
import static dev.godwit.workers.cdc.apply.ApplyFixture.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.godwit.mappings.task.ApplyConflicts;
import dev.godwit.workers.cdc.apply.ApplyFixture.Feed;
import dev.godwit.workers.cdc.apply.ApplyFixture.TableCheckpoint;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Delete;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Insert;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Relation;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Truncate;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Update;
import dev.godwit.workers.cdc.pgoutput.RelationColumn;
import dev.godwit.workers.cdc.pgoutput.ReplicaIdentity;
import dev.godwit.workers.pg.Lsn;
import dev.godwit.workers.testkit.PgExtension;
import dev.godwit.workers.testkit.PgLab;
import dev.godwit.workers.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PgExtension.class)
@Timeout(120)
class ChangeApplierIT {

    private static final Relation ITEMS = relation(1, "public", "items", ReplicaIdentity.DEFAULT, "id*", "doc", "n");

    private static TestDatabase target(PgLab lab) {
        TestDatabase db = lab.newDatabase(17);
        db.execute("CREATE TABLE items (id int PRIMARY KEY, doc text, n int)");
        return db;
    }

    private static Feed feed(TestDatabase db, Connection conn, ApplyOptions options) throws SQLException {
        return new Feed(new ChangeApplier(conn, ApplyFixture.identityRouting(db), new TableCheckpoint(db), options));
    }

    @Test
    void unchangedToastColumnsAreLeftOutOfTheSetListAndUnderFullIdentityTheRowIsFoundByTheOldRow(PgLab lab)
            throws SQLException {
        TestDatabase db = target(lab);
        db.execute("CREATE TABLE full_items (id int, doc text, n int)");
        Relation full = relation(2, "public", "full_items", ReplicaIdentity.FULL, "id", "doc", "n");
        try (Connection conn = db.connect()) {
            feed(db, conn, ApplyFixture.perTransaction())
                    .tx(1, ITEMS, new Insert(1, row("1", "big toasted text", "1")),
                            full, new Insert(2, row("1", "big toasted text", "1")))
                    .tx(2, ITEMS, new Update(1, Optional.empty(), row("1", U, "2")),
                            full, new Update(2, Optional.of(old("1", "big toasted text", "1")), row("1", U, "5")));
        }
        assertEquals(List.of("1|big toasted text|2"), db.column("SELECT id || '|' || doc || '|' || n FROM items"));
        assertEquals(List.of("1|big toasted text|5"),
                db.column("SELECT id || '|' || doc || '|' || n FROM full_items"));
    }

    @Test
    void updatesFindTheRowByTheKeyTupleTheOldRowOrTheNewRowsKeyAndAKeyChangeMovesTheRow(PgLab lab)
            throws SQLException {
        TestDatabase db = target(lab);
        try (Connection conn = db.connect()) {
            feed(db, conn, ApplyFixture.perTransaction())
                    .tx(1, ITEMS, new Insert(1, row("1", "a", "1")), new Insert(1, row("2", "b", "2")),
                            new Insert(1, row("3", "c", "3")))
                    .tx(2, new Update(1, Optional.empty(), row("1", "a2", "10")),
                            new Update(1, Optional.of(key("2", null, null)), row("20", "b2", "20")),
                            new Update(1, Optional.of(old("3", "c", "3")), row("3", "c3", "30")),
                            new Delete(1, key("1", null, null)));
        }
        assertEquals(List.of("3|c3|30", "20|b2|20"), db.column("SELECT id || '|' || doc || '|' || n FROM items ORDER BY id"));
    }

    @Test
    void aTableWithoutKeyUnderFullIdentityChangesExactlyOneOfSeveralIdenticalRowsEvenWithJsonAndPointColumns(
            PgLab lab) throws SQLException {
        TestDatabase db = lab.newDatabase(17);
        db.execute("CREATE TABLE dup (a int, j json, p point, x xml)");
        Relation dup = relation(3, "public", "dup", ReplicaIdentity.FULL, "a", "j", "p", "x");
        String[] r = {"1", "{\"k\": [1, 2]}", "(1,2)", "<a>1</a>"};
        try (Connection conn = db.connect()) {
            feed(db, conn, ApplyFixture.perTransaction())
                    .tx(1, dup, new Insert(3, row(r)), new Insert(3, row(r)), new Insert(3, row(r)),
                            new Insert(3, row(null, null, null, null)), new Insert(3, row(null, null, null, null)))
                    .tx(2, new Update(3, Optional.of(old(r)), row("2", "{\"k\": [1, 2]}", "(1,2)", "<a>1</a>")),
                            new Delete(3, old(r)),
                            new Delete(3, old(null, null, null, null)));
        }
        assertEquals(List.of("1", "2", "null"), db.column("SELECT coalesce(a::text, 'null') FROM dup ORDER BY a"));
    }

    @Test
    void truncateWithCascadeAndRestartIdentityRunsInTheSameTargetTransactionAsItsNeighbours(PgLab lab)
            throws SQLException {
        TestDatabase db = lab.newDatabase(17);
        db.execute("CREATE TABLE parent (id int GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, v text)",
                "CREATE TABLE child (id int PRIMARY KEY, parent_id int REFERENCES parent)",
                "INSERT INTO parent (v) VALUES ('a'), ('b')", "INSERT INTO child VALUES (1, 1)");
        Relation parent = relation(4, "public", "parent", ReplicaIdentity.DEFAULT, "id*", "v");
        try (Connection conn = db.connect()) {
            Feed f = feed(db, conn, ApplyFixture.perTransaction());
            // a transaction that fails after its TRUNCATE: the TRUNCATE and the inserts around it all roll back
            SQLException failure = assertThrows(SQLException.class, () -> f.begin(1).send(parent,
                    new Insert(4, row("10", "before")), new Truncate(List.of(4L), true, true),
                    new Insert(4, row("11", "after")), new Insert(4, row("11", "duplicate"))).commit(1));
            assertTrue(failure.getMessage().contains("public.parent"), failure.getMessage());
        }
        assertEquals(List.of("1", "2"), db.column("SELECT id FROM parent ORDER BY id"));
        assertEquals(1, db.count("child"));
        try (Connection conn = db.connect()) {
            feed(db, conn, ApplyFixture.perTransaction()).tx(1, relation(4, "public", "parent", ReplicaIdentity.DEFAULT,
                    "id*", "v"), new Insert(4, row("10", "before")), new Truncate(List.of(4L), true, true),
                    new Insert(4, row("11", "after")));
        }
        assertEquals(List.of("11"), db.column("SELECT id FROM parent"));
        assertEquals(0, db.count("child"));
        assertEquals("1", db.value("SELECT nextval(pg_get_serial_sequence('parent', 'id'))"));
    }

    @Test
    void theCheckpointCommitsWithTheDataSoAKilledConnectionLeavesNeitherAndARestartSkipsAppliedTransactions(
            PgLab lab) throws SQLException {
        TestDatabase db = target(lab);
        TableCheckpoint checkpoint = new TableCheckpoint(db);
        try (Connection conn = db.connect()) {
            Feed f = feed(db, conn, ApplyFixture.perTransaction());
            f.begin(1).send(ITEMS, new Insert(1, row("1", "a", "1")), new Insert(1, row("2", "b", "2")));
            f.applier.accept(Lsn.INVALID, new Insert(1, row("3", "c", "3"))); // in the batch, not yet sent
            db.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database()"
                    + " AND pid <> pg_backend_pid()");
            assertThrows(SQLException.class, () -> f.commit(1));
        }
        assertEquals(0, db.count("items"));
        assertEquals(Optional.empty(), checkpoint.stored());

        try (Connection conn = db.connect()) {
            feed(db, conn, ApplyFixture.perTransaction())
                    .tx(1, ITEMS, new Insert(1, row("1", "a", "1")), new Insert(1, row("2", "b", "2")));
        }
        assertEquals(Optional.of(Feed.endLsn(1)), checkpoint.stored());

        try (Connection conn = db.connect()) {
            Feed f = feed(db, conn, ApplyFixture.perTransaction());
            // the stream resends transaction 1 (it starts at the slot's position, which may lag the checkpoint)
            f.tx(1, ITEMS, new Insert(1, row("1", "a", "1")), new Insert(1, row("2", "b", "2")))
                    .tx(2, new Insert(1, row("3", "c", "3")));
            assertEquals(1, f.applier.stats().skippedTransactions());
            assertEquals(1, f.applier.stats().transactions());
            assertEquals(Feed.endLsn(2), f.applier.stats().lastCommittedEndLsn());
        }
        assertEquals(3, db.count("items"));
        assertEquals(Optional.of(Feed.endLsn(2)), checkpoint.stored());
    }

    @Test
    void severalSmallSourceTransactionsShareOneTargetTransactionAndCheckpointTheLastEndLsn(PgLab lab)
            throws SQLException {
        TestDatabase db = target(lab);
        TableCheckpoint checkpoint = new TableCheckpoint(db);
        try (Connection conn = db.connect()) {
            Feed f = feed(db, conn, ApplyFixture.perTransaction().withMaxTransactionsPerCommit(3));
            f.tx(1, ITEMS, new Insert(1, row("1", "a", "1"))).tx(2, new Insert(1, row("2", "b", "2")));
            assertEquals(Optional.empty(), checkpoint.stored());
            f.tx(3, new Insert(1, row("3", "c", "3"))).tx(4, new Insert(1, row("4", "d", "4")));
            assertEquals(Optional.of(Feed.endLsn(3)), checkpoint.stored());
            f.applier.commitPending();
            assertEquals(Optional.of(Feed.endLsn(4)), checkpoint.stored());
        }
        assertEquals(4, db.count("items"));
    }

    @Test
    void eachTargetCommitTellsTheObserverItsSourceTransactionsItsChangesByOperationAndHowLongTheCommitTook(PgLab lab)
            throws SQLException {
        TestDatabase db = target(lab);
        db.execute("INSERT INTO items VALUES (1, 'a', 1), (2, 'b', 2)");
        TableCheckpoint table = new TableCheckpoint(db);
        java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong();
        // the checkpoint is written inside the timed commit: moving the clock there makes the commit take 7 ms
        Checkpoint slowCheckpoint = new Checkpoint() {
            @Override
            public void write(Connection target, Lsn commitEndLsn, java.time.Instant commitTime) throws SQLException {
                table.write(target, commitEndLsn, commitTime);
                clock.addAndGet(7_000_000);
            }

            @Override
            public Lsn current() {
                return table.current();
            }
        };
        List<ApplyObserver.GroupCommit> commits = new java.util.ArrayList<>();
        ApplyOptions options = ApplyFixture.grouped().withGroupClock(clock::get).withMaxTransactionsPerCommit(3)
                .withObserver(commits::add);
        try (Connection conn = db.connect()) {
            Feed f = new Feed(new ChangeApplier(conn, ApplyFixture.identityRouting(db), slowCheckpoint, options));
            f.tx(1, ITEMS, new Insert(1, row("3", "c", "3")), new Insert(1, row("4", "d", "4")))
                    .tx(2, new Update(1, Optional.empty(), row("1", "a2", "1")), new Delete(1, key("2", null, null)))
                    .tx(3, new Insert(1, row("5", "e", "5")));
            assertEquals(List.of(new ApplyObserver.GroupCommit(3, 3, 1, 1, 0, 7_000_000)), commits);
            // a partial group, committed when the stream goes idle, holds only what came after the last commit
            f.tx(4, new Truncate(List.of(1L), false, false), new Insert(1, row("6", "f", "6")));
            f.applier.commitPending();
            assertEquals(new ApplyObserver.GroupCommit(1, 1, 0, 0, 1, 7_000_000), commits.get(1));
            assertEquals(2, commits.size());
        }
        try (Connection conn = db.connect()) {
            Feed f = new Feed(new ChangeApplier(conn, ApplyFixture.identityRouting(db), slowCheckpoint, options));
            f.tx(4, ITEMS, new Insert(1, row("6", "f", "6")));
            f.applier.commitPending();
        }
        assertEquals(2, commits.size(), "a transaction the checkpoint covers is skipped, not committed again");
        assertEquals(List.of("6"), db.column("SELECT id::text FROM items"));
    }

    @Test
    void aTableCopiedUnderALaterSnapshotSkipsTransactionsThatCommittedBeforeItsSyncLsn(PgLab lab)
            throws SQLException {
        TestDatabase db = target(lab);
        db.execute("CREATE TABLE other (id int PRIMARY KEY, doc text, n int)");
        Relation other = relation(5, "public", "other", ReplicaIdentity.DEFAULT, "id*", "doc", "n");
        try (Connection conn = db.connect()) {
            new Feed(new ChangeApplier(conn, r -> Optional.of(ApplyFixture.identityTarget(db, r.namespace(), r.name(),
                    r.name().equals("items") ? Optional.of(Feed.finalLsn(2)) : Optional.empty())),
                    new TableCheckpoint(db), ApplyFixture.perTransaction()))
                    .tx(1, ITEMS, other, new Insert(1, row("1", "in the copy", "1")), new Insert(5, row("1", "x", "1")))
                    .tx(2, new Insert(1, row("2", "after the copy", "2")), new Insert(5, row("2", "y", "2")));
        }
        assertEquals(List.of("2"), db.column("SELECT id FROM items"));
        assertEquals(List.of("1", "2"), db.column("SELECT id FROM other ORDER BY id"));
    }

    @Test
    void aRelationWithAColumnTheTargetLacksStopsWithSchemaDriftNamingTableAndColumn(PgLab lab) throws SQLException {
        TestDatabase db = target(lab);
        Relation altered = relation(1, "public", "items", ReplicaIdentity.DEFAULT, "id*", "doc", "n", "extra");
        try (Connection conn = db.connect()) {
            Feed f = feed(db, conn, ApplyFixture.perTransaction());
            f.tx(1, ITEMS, new Insert(1, row("1", "a", "1")));
            SchemaDriftException drift = assertThrows(SchemaDriftException.class,
                    () -> f.begin(2).send(altered, new Insert(1, row("2", "b", "2", "x"))));
            assertTrue(drift.getMessage().contains("public.items") && drift.getMessage().contains("extra"),
                    drift.getMessage());
            assertEquals(List.of("extra"), drift.columns());
        }
        assertEquals(1, db.count("items"));
    }

    @Test
    void withAdditiveDdlAllowedANewSourceColumnIsAddedToTheTargetInTheSameTransaction(PgLab lab)
            throws SQLException {
        TestDatabase db = target(lab);
        Relation altered = new Relation(1, "public", "items", ReplicaIdentity.DEFAULT, List.of(
                ITEMS.columns().get(0), ITEMS.columns().get(1), ITEMS.columns().get(2),
                new RelationColumn(0, "price", 1700, (12 << 16 | 2) + 4)));
        try (Connection conn = db.connect()) {
            feed(db, conn, ApplyFixture.perTransaction().withAdditiveDdl(true))
                    .tx(1, ITEMS, new Insert(1, row("1", "a", "1")))
                    .tx(2, altered, new Insert(1, row("2", "b", "2", "12.50")),
                            new Update(1, Optional.empty(), row("1", "a", "1", "3.25")));
        }
        assertEquals("numeric(12,2)", db.value("SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
                + " WHERE attrelid = 'items'::regclass AND attname = 'price'"));
        assertEquals(List.of("1:3.25", "2:12.50"), db.column("SELECT id || ':' || price FROM items ORDER BY id"));
    }

    @Test
    void conflictsFailByDefaultNamingTableKeyAndLsnAndFollowThePolicyWhenRelaxed(PgLab lab) throws SQLException {
        TestDatabase db = target(lab);
        db.execute("INSERT INTO items VALUES (1, 'there', 1)");
        try (Connection conn = db.connect()) {
            Feed f = feed(db, conn, ApplyFixture.perTransaction());
            ApplyConflictException taken = assertThrows(ApplyConflictException.class,
                    () -> f.tx(1, ITEMS, new Insert(1, row("1", "again", "1"))));
            assertTrue(taken.getMessage().contains("public.items") && taken.getMessage().contains("id='1'")
                    && taken.getMessage().contains(Feed.finalLsn(1).toString()), taken.getMessage());
        }
        try (Connection conn = db.connect()) {
            Feed f = feed(db, conn, ApplyFixture.perTransaction());
            ApplyConflictException missing = assertThrows(ApplyConflictException.class,
                    () -> f.tx(1, ITEMS, new Update(1, Optional.empty(), row("9", "x", "9"))));
            assertTrue(missing.getMessage().contains("UPDATE found no row") && missing.getMessage().contains("id='9'"),
                    missing.getMessage());
        }
        try (Connection conn = db.connect()) {
            feed(db, conn, ApplyFixture.perTransaction().withConflicts(new ApplyConflicts(true, true, true)))
                    .tx(1, ITEMS, new Insert(1, row("1", "upserted", "1")),
                            new Update(1, Optional.empty(), row("9", "inserted", "9")),
                            new Delete(1, key("77", null, null)));
        }
        assertEquals(List.of("1:upserted", "9:inserted"), db.column("SELECT id || ':' || doc FROM items ORDER BY id"));
    }
}
