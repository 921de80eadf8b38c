package dev.godwit.orchestrator.cdc;

import dev.godwit.workers.testkit.TestDatabase;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Several sessions writing to the source at once, so that their transactions interleave and commit in an order no
 * single session decides: what parallel apply must reorder only where nothing can tell. Each session mixes rows of
 * its own ({@code ledger}, disjoint keys), rows every session updates ({@code hot}, ten of them), parents and children
 * tied by a foreign key with cascades (inserted together, a parent's key changed, a parent deleted with its children),
 * primary-key updates, two unique values swapped through a third, a table without a key, and, once allowed, a
 * TRUNCATE of {@code scratch} now and then (refilled in the same transaction).
 */
final class MixedWriters implements AutoCloseable {
    static final String SCHEMA = """
            CREATE TABLE ledger (id bigint PRIMARY KEY, writer int NOT NULL, amount numeric(12,2) NOT NULL, note text);
            CREATE TABLE hot (id int PRIMARY KEY, counter bigint NOT NULL, last_writer int);
            CREATE TABLE parents (id bigint PRIMARY KEY, name text NOT NULL);
            CREATE TABLE children (id bigint PRIMARY KEY,
                                   parent_id bigint NOT NULL REFERENCES parents ON UPDATE CASCADE ON DELETE CASCADE,
                                   label text);
            CREATE TABLE uniq (id int PRIMARY KEY, code text NOT NULL UNIQUE);
            CREATE TABLE bag (a int, b text);
            ALTER TABLE bag REPLICA IDENTITY FULL;
            CREATE TABLE scratch (id int PRIMARY KEY, v text);
            CREATE TABLE markers (name text PRIMARY KEY);
            INSERT INTO hot SELECT g, 0, NULL FROM generate_series(1, 10) g;
            INSERT INTO ledger SELECT g, g % 4, g, 'seed' FROM generate_series(1, 4000) g;
            INSERT INTO parents SELECT g, 'p' || g FROM generate_series(1, 500) g;
            INSERT INTO children SELECT g, 1 + g % 500, 'c' || g FROM generate_series(1, 2000) g;
            INSERT INTO uniq SELECT g, 'code' || g FROM generate_series(1, 50) g;
            INSERT INTO bag SELECT g % 7, 'b' FROM generate_series(1, 100) g;
            INSERT INTO scratch SELECT g, 's' FROM generate_series(1, 20) g;
            """;
    static final List<String> TABLES = List.of("ledger", "hot", "parents", "children", "uniq", "bag", "scratch",
            "markers");

    /** Each session pauses up to this long between transactions, so that a backlog stays within a test's patience. */
    private static final int MAX_PAUSE_MILLIS = 8;

    private final TestDatabase db;
    private final AtomicBoolean running = new AtomicBoolean(true);
    /**
     * TRUNCATE is not MVCC-safe: a table truncated after the full load's snapshot looks empty to the copy, and the
     * changes the source made to its old rows before the TRUNCATE then find none on the target. So the writers
     * truncate only once the test allows it, after the load.
     */
    private final AtomicBoolean truncates = new AtomicBoolean();
    private final WriterTally tally = new WriterTally("a source writer");
    private final List<Thread> threads = new ArrayList<>();

    MixedWriters(TestDatabase db, int sessions, long seed) {
        this.db = db;
        for (int i = 0; i < sessions; i++) {
            int writer = i;
            Thread t = new Thread(() -> run(writer, new Random(seed * 100 + writer)), "mixed-writer-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    long transactions() {
        return tally.transactions();
    }

    void awaitTransactions(long n, Duration timeout) throws InterruptedException {
        tally.await(n, timeout);
    }

    private void run(int writer, Random random) {
        long nextId = 1_000_000L * (writer + 1);
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            while (running.get()) {
                try (Statement s = c.createStatement()) {
                    long own = 1 + writer + 4L * random.nextInt(1000); // this writer's ledger rows
                    long parent = 1 + random.nextInt(500);
                    switch (random.nextInt(12)) {
                        case 0, 1, 2 -> s.execute("UPDATE ledger SET amount = amount + 1, note = 'w" + writer
                                + "' WHERE id = " + own);
                        case 3 -> s.execute("UPDATE hot SET counter = counter + 1, last_writer = " + writer
                                + " WHERE id = " + (1 + random.nextInt(10)) + ";"
                                + " UPDATE ledger SET amount = amount - 1 WHERE id = " + own);
                        case 4 -> s.execute("INSERT INTO parents VALUES (" + nextId + ", 'new');"
                                + " INSERT INTO children SELECT " + nextId + " * 10 + g, " + nextId
                                + ", 'n' || g FROM generate_series(1, 3) g");
                        case 5 -> s.execute("UPDATE parents SET id = " + (nextId + 500_000) + " WHERE id = "
                                + parent);
                        case 6 -> s.execute("DELETE FROM parents WHERE id = " + parent);
                        case 7 -> s.execute("UPDATE ledger SET id = " + nextId + " WHERE id = " + own);
                        case 8 -> s.execute("UPDATE bag SET b = b || '" + writer + "' WHERE ctid = (SELECT ctid FROM"
                                + " bag WHERE a = " + random.nextInt(7) + " LIMIT 1)");
                        case 9 -> {
                            int a = 1 + random.nextInt(50);
                            int b = 1 + (a + random.nextInt(49)) % 50;
                            s.execute("DO $$ DECLARE ca text; cb text; BEGIN"
                                    + " SELECT code INTO ca FROM uniq WHERE id = " + a + " FOR UPDATE;"
                                    + " SELECT code INTO cb FROM uniq WHERE id = " + b + " FOR UPDATE;"
                                    + " UPDATE uniq SET code = 'tmp' || " + a + " WHERE id = " + a + ";"
                                    + " UPDATE uniq SET code = ca WHERE id = " + b + ";"
                                    + " UPDATE uniq SET code = cb WHERE id = " + a + "; END $$");
                        }
                        case 10 -> s.execute("INSERT INTO ledger VALUES (" + nextId + ", " + writer + ", 1, 'new')");
                        default -> {
                            if (truncates.get() && random.nextInt(10) == 0) {
                                s.execute("TRUNCATE scratch; INSERT INTO scratch SELECT g, 'w" + writer
                                        + "' FROM generate_series(1, 20) g");
                            } else {
                                s.execute("UPDATE scratch SET v = v || '" + writer + "' WHERE id = "
                                        + (1 + random.nextInt(20)));
                            }
                        }
                    }
                    nextId++;
                    c.commit();
                    tally.committed();
                    Thread.sleep(random.nextInt(MAX_PAUSE_MILLIS));
                } catch (SQLException e) {
                    c.rollback();
                    if (!retryable(e)) {
                        throw e;
                    }
                }
            }
        } catch (SQLException | InterruptedException e) {
            tally.failed(e);
        }
    }

    /** From now on, some transactions truncate {@code scratch} (see {@link #truncates}). */
    void allowTruncate() {
        truncates.set(true);
    }

    /** Sessions meet on the same rows: a deadlock or a serialization failure is retried, as an application would. */
    private static boolean retryable(SQLException e) {
        return "40P01".equals(e.getSQLState()) || "40001".equals(e.getSQLState());
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread t : threads) {
            t.join(10_000);
        }
        tally.throwIfFailed();
    }
}
