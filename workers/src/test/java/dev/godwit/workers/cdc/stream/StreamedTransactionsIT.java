package dev.godwit.workers.cdc.stream;

import static dev.godwit.workers.cdc.stream.StreamFixture.await;
import static dev.godwit.workers.cdc.stream.StreamFixture.options;
import static dev.godwit.workers.cdc.stream.StreamFixture.prepare;
import static dev.godwit.workers.cdc.stream.StreamFixture.slotName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.godwit.workers.cdc.pgoutput.ColumnValue;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Begin;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Commit;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Delete;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Insert;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Relation;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Update;
import dev.godwit.workers.pg.Lsn;
import dev.godwit.workers.pg.PgConnector;
import dev.godwit.workers.testkit.PgExtension;
import dev.godwit.workers.testkit.PgLab;
import dev.godwit.workers.testkit.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Protocol version 2 with {@code streaming 'on'} and {@code logical_decoding_work_mem} at its minimum: large
 * transactions arrive in stream blocks while they run, and the consumer still sees ordinary transactions, whole, in
 * commit order, each once, with only what committed.
 */
@ExtendWith(PgExtension.class)
class StreamedTransactionsIT {
    /** Far above 64kB of decoded changes: every one of these is streamed in several blocks. */
    private static final int BIG = 20_000;

    @TempDir
    Path spill;

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void streamedTransactionsReachTheConsumerWholeInCommitOrderWithOnlyWhatCommitted(PgLab lab) throws Exception {
        TestDatabase db = lab.newDatabase(17);
        PgConnector source = prepare(db);
        db.execute("ALTER DATABASE \"" + db.name() + "\" SET logical_decoding_work_mem = '64kB'");
        List<Long> committedXids = new ArrayList<>();
        StreamOptions streaming = options(db).withProtocolVersion(2).withSpillDirectory(spill);
        try (ChangeStream stream = ChangeStream.open(source, streaming);
             Connection big = db.connect(); Connection small = db.connect()) {
            big.setAutoCommit(false);
            // 1. a big transaction with small ones committing while it is streamed
            long bigXid = xid(big);
            for (int part = 0; part < 4; part++) {
                run(big, "INSERT INTO t SELECT g, 'big ' || g FROM generate_series(" + (100_000 + part * BIG / 4)
                        + ", " + (100_000 + (part + 1) * BIG / 4 - 1) + ") g");
                committedXids.add(smallTransaction(small, 1 + part));
            }
            run(big, "UPDATE t SET v = 'updated by big' WHERE id BETWEEN 100000 AND 100099");
            run(big, "DELETE FROM t WHERE id BETWEEN 100100 AND 100199");
            big.commit();
            committedXids.add(bigXid);
            // 2. a big transaction that aborts
            xid(big);
            run(big, "INSERT INTO t SELECT g, 'aborted' FROM generate_series(200000, " + (200_000 + BIG) + ") g");
            run(big, "UPDATE t SET v = 'aborted' WHERE id BETWEEN 100000 AND 100999");
            committedXids.add(smallTransaction(small, 10));
            big.rollback();
            // 3. savepoints: one released, one rolled back, one rolled back after a released child
            long savepointsXid = xid(big);
            run(big, "INSERT INTO t SELECT g, 'top' FROM generate_series(300000, 304999) g");
            run(big, "SAVEPOINT kept");
            run(big, "INSERT INTO t SELECT g, 'released' FROM generate_series(400000, " + (400_000 + BIG) + ") g");
            run(big, "RELEASE SAVEPOINT kept");
            run(big, "SAVEPOINT gone");
            run(big, "INSERT INTO t SELECT g, 'rolled back' FROM generate_series(500000, " + (500_000 + BIG) + ") g");
            run(big, "UPDATE t SET v = 'rolled back' WHERE id BETWEEN 300000 AND 300999");
            run(big, "ROLLBACK TO SAVEPOINT gone");
            run(big, "SAVEPOINT outer_sp");
            run(big, "SAVEPOINT inner_sp");
            run(big, "INSERT INTO t SELECT g, 'inner' FROM generate_series(600000, " + (600_000 + BIG / 2) + ") g");
            run(big, "RELEASE SAVEPOINT inner_sp");
            run(big, "INSERT INTO t SELECT g, 'outer' FROM generate_series(700000, " + (700_000 + BIG / 2) + ") g");
            committedXids.add(smallTransaction(small, 11));
            run(big, "ROLLBACK TO SAVEPOINT outer_sp");
            run(big, "INSERT INTO t SELECT g, 'after rollback' FROM generate_series(800000, 804999) g");
            run(big, "UPDATE t SET v = 'top, updated' WHERE id BETWEEN 300000 AND 300099");
            big.commit();
            committedXids.add(savepointsXid);
            long lastXid = smallTransaction(small, 12);
            committedXids.add(lastXid);

            Consumed consumed = consumeUntil(stream, lastXid);
            assertEquals(committedXids, consumed.xids(), "each committed transaction once, in commit order");
            assertEquals(sourceRows(db), consumed.rows(), "the consumer holds exactly the committed rows");
            long streamed = Long.parseLong(db.value("SELECT stream_txns FROM pg_stat_replication_slots"
                    + " WHERE slot_name = '" + slotName(db) + "'"));
            assertTrue(streamed >= 3, "the big transactions were streamed in progress (stream_txns " + streamed + ")");
        } finally {
            StreamFixture.dropSlot(db);
        }
        try (Stream<Path> left = Files.list(spill)) {
            assertEquals(List.of(), left.toList(), "the spill directory is removed on close");
        }
    }

    /**
     * Handing a spilled transaction over reads nothing from the socket for as long as the consumer takes: the reader
     * must still answer the walsender, which here gives up after 2 s without a status update.
     */
    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aSlowConsumerOfASpilledTransactionKeepsTheWalsenderAnswered(PgLab lab) throws Exception {
        TestDatabase db = lab.newDatabase(17);
        PgConnector source = prepare(db);
        db.execute("ALTER DATABASE \"" + db.name() + "\" SET logical_decoding_work_mem = '64kB'",
                "ALTER DATABASE \"" + db.name() + "\" SET wal_sender_timeout = '2s'");
        StreamOptions streaming = options(db).withProtocolVersion(2).withSpillDirectory(spill)
                .withStatusInterval(Duration.ofSeconds(10)); // lowered to a third of the 2 s by the stream
        try (ChangeStream stream = ChangeStream.open(source, streaming); Connection big = db.connect();
             Connection work = db.connect(); Statement roundTrip = work.createStatement()) {
            big.setAutoCommit(false);
            int rows = 4 * BIG;
            run(big, "INSERT INTO t SELECT g, 'row ' || g FROM generate_series(1, " + rows + ") g");
            big.commit();
            int inserts = 0;
            long started = System.nanoTime();
            // the consumer is paced to take 5 s in all, over twice wal_sender_timeout on a machine of any speed (a
            // round trip per change alone took 3.9 s on a quiet CI machine, and the test then proved nothing)
            long handOverNanos = TimeUnit.SECONDS.toNanos(5);
            while (true) {
                StreamEvent event = stream.poll(Duration.ofSeconds(30));
                assertNotNull(event, "the transaction kept arriving");
                if (event.message() instanceof Insert) {
                    inserts++;
                    roundTrip.execute("SELECT 1"); // a consumer that waits for a server per change, as an applier
                    long ahead = started + handOverNanos * inserts / rows - System.nanoTime();
                    if (ahead > 0) {
                        LockSupport.parkNanos(ahead);
                    }
                } else if (event.message() instanceof Commit c) {
                    stream.confirm(c.endLsn());
                    break;
                }
            }
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertEquals(rows, inserts);
            assertTrue(took.compareTo(Duration.ofSeconds(4)) > 0, "the hand-over outlasted wal_sender_timeout twice"
                    + " (took " + took + "), else this test proves nothing: insert more rows");
            db.execute("INSERT INTO t VALUES (0, 'after')");
            List<StreamEvent> after = StreamFixture.pollCommits(stream, 1);
            assertTrue(after.stream().anyMatch(e -> e.message() instanceof Insert), "the stream still runs");
        } finally {
            StreamFixture.dropSlot(db);
        }
    }

    /** Commits one row in a transaction of its own; returns its xid. */
    private static long smallTransaction(Connection small, int id) throws SQLException {
        small.setAutoCommit(false);
        long xid = xid(small);
        run(small, "INSERT INTO t VALUES (" + id + ", 'small " + id + "')");
        small.commit();
        return xid;
    }

    private static long xid(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT txid_current() % 4294967296")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void run(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static Map<Integer, String> sourceRows(TestDatabase db) throws SQLException {
        Map<Integer, String> rows = new TreeMap<>();
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, v FROM t")) {
            while (rs.next()) {
                rows.put(rs.getInt(1), rs.getString(2));
            }
        }
        return rows;
    }

    record Consumed(List<Long> xids, Map<Integer, String> rows) {
    }

    /**
     * Applies what arrives to a map, checking that only ordinary transactions arrive, each Begin matched by its
     * Commit, commit end LSNs rising; stops after the transaction {@code lastXid}.
     */
    private static Consumed consumeUntil(ChangeStream stream, long lastXid) throws InterruptedException {
        List<Long> xids = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        Map<Integer, String> rows = new TreeMap<>();
        Begin open = null;
        Lsn lastEnd = Lsn.INVALID;
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            StreamEvent event = stream.poll(Duration.ofMillis(200));
            if (event == null) {
                continue;
            }
            PgOutputMessage m = event.message();
            if (m instanceof Begin b) {
                assertEquals(null, open, "a Begin inside a transaction");
                assertTrue(seen.add(b.xid()), "transaction " + b.xid() + " arrived twice");
                open = b;
            } else if (m instanceof Commit c) {
                assertNotNull(open, "a Commit without a Begin");
                assertEquals(open.finalLsn(), c.commitLsn(), "Begin's final LSN is the commit's LSN");
                assertTrue(c.endLsn().isAfter(lastEnd), "commit end LSNs rise");
                lastEnd = c.endLsn();
                stream.confirm(c.endLsn());
                xids.add(open.xid());
                if (open.xid() == lastXid) {
                    return new Consumed(xids, rows);
                }
                open = null;
            } else if (m instanceof Insert i) {
                assertNotNull(open, "a change outside a transaction");
                rows.put(id(i.newTuple().get(0)), text(i.newTuple().get(1)));
            } else if (m instanceof Update u) {
                assertNotNull(open, "a change outside a transaction");
                rows.put(id(u.newTuple().get(0)), text(u.newTuple().get(1)));
            } else if (m instanceof Delete d) {
                assertNotNull(open, "a change outside a transaction");
                assertNotNull(rows.remove(id(d.oldTuple().tuple().get(0))), "a delete of a row never inserted");
            } else if (!(m instanceof Relation || m instanceof PgOutputMessage.Type)) {
                fail("the consumer got " + m);
            }
        }
        throw new AssertionError("transaction " + lastXid + " did not arrive; got " + xids);
    }

    private static int id(ColumnValue value) {
        return Integer.parseInt(text(value));
    }

    private static String text(ColumnValue value) {
        return ((ColumnValue.Text) value).value();
    }
}
