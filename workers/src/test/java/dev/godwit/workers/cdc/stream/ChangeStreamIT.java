package dev.godwit.workers.cdc.stream;

import static dev.godwit.workers.cdc.stream.StreamFixture.WAIT;
import static dev.godwit.workers.cdc.stream.StreamFixture.await;
import static dev.godwit.workers.cdc.stream.StreamFixture.currentWal;
import static dev.godwit.workers.cdc.stream.StreamFixture.messages;
import static dev.godwit.workers.cdc.stream.StreamFixture.options;
import static dev.godwit.workers.cdc.stream.StreamFixture.pollCommits;
import static dev.godwit.workers.cdc.stream.StreamFixture.prepare;
import static dev.godwit.workers.cdc.stream.StreamFixture.slot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.godwit.workers.cdc.pgoutput.ColumnValue;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Begin;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Commit;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Insert;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Relation;
import dev.godwit.workers.pg.Lsn;
import dev.godwit.workers.pg.PgConnector;
import dev.godwit.workers.testkit.PgExtension;
import dev.godwit.workers.testkit.PgLab;
import dev.godwit.workers.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(PgExtension.class)
class ChangeStreamIT {

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {13, 17})
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void streamsEveryKindOfChangeWithTheCommitEndLsnOfItsTransaction(int major, PgLab lab) throws Exception {
        TestDatabase db = lab.newDatabase(major);
        PgConnector source = prepare(db);
        try (ChangeStream stream = ChangeStream.open(source, options(db))) {
            Lsn before = currentWal(db);
            db.execute("BEGIN; INSERT INTO t VALUES (1, 'a'), (2, 'b'); UPDATE t SET v = 'c' WHERE id = 1; "
                    + "DELETE FROM t WHERE id = 2; COMMIT");
            Lsn between = currentWal(db);
            db.execute("TRUNCATE t");
            Lsn after = currentWal(db);

            List<StreamEvent> events = pollCommits(stream, 2);
            List<String> kinds = messages(events).stream().map(m -> m.getClass().getSimpleName()).toList();
            // the server re-sends a Relation whenever its cache entry was invalidated, e.g. by the TRUNCATE
            assertEquals(List.of("Begin", "Relation", "Insert", "Insert", "Update", "Delete", "Commit", "Begin"),
                    kinds.subList(0, 8));
            assertEquals(List.of("Truncate", "Commit"), kinds.subList(kinds.size() - 2, kinds.size()));
            assertTrue(kinds.subList(8, kinds.size() - 2).stream().allMatch("Relation"::equals));
            Relation relation = (Relation) events.get(1).message();
            assertEquals("public.t", relation.qualifiedName());
            assertEquals(relation.relationId(), ((Insert) events.get(2).message()).relationId());
            assertEquals(new ColumnValue.Text("a"), ((Insert) events.get(2).message()).newTuple().get(1));

            Commit first = (Commit) events.get(6).message();
            int last = events.size() - 1;
            Commit second = (Commit) events.get(last).message();
            assertEquals(first.commitLsn(), ((Begin) events.get(0).message()).finalLsn());
            assertEquals(second.commitLsn(), ((Begin) events.get(7).message()).finalLsn());
            assertEquals(first.endLsn(), events.get(6).walPosition(), "a Commit arrives at its end LSN");
            assertEquals(second.endLsn(), events.get(last).walPosition());
            assertTrue(first.endLsn().isAfter(before) && !first.endLsn().isAfter(between), "first commit in WAL");
            assertTrue(second.endLsn().isAfter(between) && !second.endLsn().isAfter(after), "second commit in WAL");
            assertEquals(second.endLsn(), stream.lastReceived());
        } finally {
            StreamFixture.dropSlot(db);
        }
    }

    /** PostgreSQL 13 cannot stream in-progress transactions: asked to, the stream sends each after its commit. */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aRequestForInProgressStreamingFallsBackToWholeTransactionsBeforePostgres14(PgLab lab) throws Exception {
        TestDatabase db = lab.newDatabase(13);
        PgConnector source = prepare(db);
        try (ChangeStream stream = ChangeStream.open(source, options(db).withProtocolVersion(2))) {
            db.execute("INSERT INTO t VALUES (1, 'a')");
            List<String> kinds = messages(pollCommits(stream, 1)).stream().map(m -> m.getClass().getSimpleName())
                    .toList();
            assertEquals(List.of("Begin", "Relation", "Insert", "Commit"), kinds);
        } finally {
            StreamFixture.dropSlot(db);
        }
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {13, 17})
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void deliversInterleavedTransactionsInCommitOrder(int major, PgLab lab) throws Exception {
        TestDatabase db = lab.newDatabase(major);
        PgConnector source = prepare(db);
        try (ChangeStream stream = ChangeStream.open(source, options(db));
             Connection a = db.connect(); Connection b = db.connect()) {
            a.setAutoCommit(false);
            b.setAutoCommit(false);
            run(a, "INSERT INTO t VALUES (1, 'a first')");
            run(b, "INSERT INTO t VALUES (2, 'b only')");
            run(a, "INSERT INTO t VALUES (3, 'a second')");
            b.commit();
            a.commit();

            List<StreamEvent> events = pollCommits(stream, 2);
            List<String> ids = messages(events).stream().filter(Insert.class::isInstance)
                    .map(m -> ((ColumnValue.Text) ((Insert) m).newTuple().get(0)).value()).toList();
            assertEquals(List.of("2", "1", "3"), ids, "b committed first, so it comes first, whole");
            List<StreamEvent> commits = events.stream().filter(e -> e.message() instanceof Commit).toList();
            Lsn bEnd = ((Commit) commits.get(0).message()).endLsn();
            Lsn aEnd = ((Commit) commits.get(1).message()).endLsn();
            assertTrue(aEnd.isAfter(bEnd), "commit end LSNs increase in stream order");
            StreamEvent aFirstInsert = events.stream().filter(e -> e.message() instanceof Insert i
                    && i.newTuple().get(0).equals(new ColumnValue.Text("1"))).findFirst().orElseThrow();
            assertTrue(aFirstInsert.walPosition().isBefore(bEnd),
                    "a change of the later transaction lies below the earlier commit: change LSNs are not ordered");
        } finally {
            StreamFixture.dropSlot(db);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void theSlotReachesAConfirmedCommitAndNeverPassesOneThatIsStillPending(PgLab lab) throws Exception {
        TestDatabase db = lab.newDatabase(17);
        PgConnector source = prepare(db);
        try (ChangeStream stream = ChangeStream.open(source, options(db))) {
            db.execute("INSERT INTO t VALUES (1, 'one')");
            db.execute("INSERT INTO t VALUES (2, 'two')");
            List<StreamEvent> events = pollCommits(stream, 2);
            List<Commit> commits = messages(events).stream().filter(Commit.class::isInstance).map(Commit.class::cast)
                    .toList();
            Lsn first = commits.get(0).endLsn();
            Lsn second = commits.get(1).endLsn();

            stream.confirm(first);
            await("confirmed_flush_lsn reaches the confirmed commit", WAIT,
                    () -> !slot(db).confirmedFlushLsn().isBefore(first));
            long until = System.nanoTime() + Duration.ofSeconds(2).toNanos(); // ten status intervals
            while (System.nanoTime() < until) {
                assertEquals(first, slot(db).confirmedFlushLsn(), "the pending commit must hold the slot back");
                Thread.sleep(100);
            }
            assertEquals(first, stream.lastReported());

            stream.confirm(second);
            await("confirmed_flush_lsn reaches the second commit", WAIT,
                    () -> !slot(db).confirmedFlushLsn().isBefore(second));
            assertEquals(second, stream.lastConfirmed());
        } finally {
            StreamFixture.dropSlot(db);
        }
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {13, 17})
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aSlotWithNoChangesAtAllCatchesUpWithTheServersWalPosition(int major, PgLab lab) throws Exception {
        TestDatabase db = lab.newDatabase(major);
        PgConnector source = prepare(db);
        try (ChangeStream stream = ChangeStream.open(source, options(db))) {
            Lsn mark = currentWal(db);
            await("confirmed_flush_lsn reaches the server's WAL position " + mark, WAIT,
                    () -> !slot(db).confirmedFlushLsn().isBefore(mark));
            assertTrue(stream.queued() == 0 && stream.lastConfirmed().equals(Lsn.INVALID));
            assertFalse(stream.serverWalEnd().isBefore(mark));
        } finally {
            StreamFixture.dropSlot(db);
        }
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {13, 17})
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void anIdleSlotFollowsTheServerWhenOnlyAnotherDatabaseWrites(int major, PgLab lab) throws Exception {
        TestDatabase db = lab.newDatabase(major);
        TestDatabase other = lab.newDatabase(major);
        PgConnector source = prepare(db);
        try (ChangeStream stream = ChangeStream.open(source, options(db))) {
            Thread consumer = StreamFixture.confirmingConsumer(stream);
            other.execute("CREATE TABLE x (i int)", "INSERT INTO x SELECT generate_series(1, 1000)");
            Lsn mark = currentWal(db);
            other.execute("INSERT INTO x VALUES (0)");
            await("the idle slot's confirmed_flush_lsn passes " + mark, WAIT,
                    () -> !slot(db).confirmedFlushLsn().isBefore(mark));
            assertEquals(Lsn.INVALID, stream.lastConfirmed(), "no commit of this database was received or confirmed");
            assertTrue(slot(db).retainedBytes() < 16 * 1024 * 1024, "the slot retains little WAL");
            consumer.interrupt();
            consumer.join();
        } finally {
            StreamFixture.dropSlot(db);
        }
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {13, 17})
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aDatabaseWhoseChangesAreAllFilteredOutDoesNotHoldTheSlotBack(int major, PgLab lab) throws Exception {
        TestDatabase db = lab.newDatabase(major);
        PgConnector source = prepare(db);
        db.execute("CREATE TABLE unpublished (i int)");
        try (ChangeStream stream = ChangeStream.open(source, options(db))) {
            Thread consumer = StreamFixture.confirmingConsumer(stream);
            for (int i = 0; i < 5; i++) {
                db.execute("INSERT INTO unpublished SELECT generate_series(1, 200)");
            }
            Lsn mark = currentWal(db);
            db.execute("INSERT INTO unpublished VALUES (0)");
            await("confirmed_flush_lsn passes " + mark + " (PostgreSQL 13 sends empty transactions, 15+ nothing)",
                    WAIT, () -> !slot(db).confirmedFlushLsn().isBefore(mark));
            consumer.interrupt();
            consumer.join();
        } finally {
            StreamFixture.dropSlot(db);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aNewStreamStartsAfterTheSlotsConfirmedCommitEvenWhenAskedForAnEarlierPosition(PgLab lab) throws Exception {
        TestDatabase db = lab.newDatabase(17);
        PgConnector source = prepare(db);
        Lsn slotStart = slot(db).confirmedFlushLsn();
        try {
            db.execute("INSERT INTO t VALUES (1, 'one')");
            db.execute("INSERT INTO t VALUES (2, 'two')");
            Commit first;
            Commit second;
            try (ChangeStream stream = ChangeStream.open(source, options(db))) {
                List<PgOutputMessage> received = messages(pollCommits(stream, 2));
                List<Commit> commits = received.stream().filter(Commit.class::isInstance).map(Commit.class::cast)
                        .toList();
                first = commits.get(0);
                second = commits.get(1);
                stream.confirm(first.endLsn());
            }
            assertEquals(first.endLsn(), slot(db).confirmedFlushLsn(), "close reports the last confirmation");

            StreamOptions fromStart = new StreamOptions(StreamFixture.slotName(db), StreamFixture.PUBLICATION, slotStart, 1,
                    false, Duration.ofMillis(200), 64, false);
            try (ChangeStream again = ChangeStream.open(source, fromStart)) {
                StreamEvent begin = again.poll(WAIT);
                assertInstanceOf(Begin.class, begin.message());
                assertEquals(second.commitLsn(), ((Begin) begin.message()).finalLsn(),
                        "the server started at the slot's confirmed_flush_lsn, not at the requested position");
            }
        } finally {
            StreamFixture.dropSlot(db);
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void closeStopsTheReaderAndReleasesTheSlotWithinSeconds(PgLab lab) throws Exception {
        TestDatabase db = lab.newDatabase(17);
        PgConnector source = prepare(db);
        try {
            ChangeStream stream = ChangeStream.open(source, options(db));
            await("the slot is active", WAIT, () -> slot(db).active());
            long start = System.nanoTime();
            stream.close();
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "close took too long");
            await("the slot is released", Duration.ofSeconds(10), () -> !slot(db).active());
            assertFalse(slot(db).isLost());
        } finally {
            StreamFixture.dropSlot(db);
        }
    }

    private static void run(Connection c, String sql) throws Exception {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
