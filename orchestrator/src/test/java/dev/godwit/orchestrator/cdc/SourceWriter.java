package dev.godwit.orchestrator.cdc;

import dev.godwit.workers.testkit.TestDatabase;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Live writes on the source while a test migrates it: inserts, updates (including key changes and TOASTed values left
 * unchanged), deletes and multi-row transactions on {@code accounts} and {@code events}, and two rows' unique values
 * swapped through a third in one transaction ({@code swap_unique}), until stopped.
 */
public final class SourceWriter implements AutoCloseable {
    public static final String SCHEMA = """
            CREATE TABLE accounts (id bigint PRIMARY KEY, balance numeric(14,2) NOT NULL, note text, big text, tags text[]);
            CREATE TABLE events (id bigserial PRIMARY KEY, account_id bigint, kind text, payload jsonb, at timestamptz DEFAULT now());
            CREATE TABLE keyless (a int, b text);
            CREATE TABLE markers (name text PRIMARY KEY);
            CREATE TABLE swap_unique (id int PRIMARY KEY, code text NOT NULL UNIQUE);
            ALTER TABLE keyless REPLICA IDENTITY FULL;
            INSERT INTO accounts SELECT g, g * 10, 'n' || g, CASE WHEN g % 50 = 0 THEN repeat(md5(g::text), 200) END,
                   ARRAY['t' || g % 5] FROM generate_series(1, 20000) g;
            INSERT INTO events (account_id, kind, payload) SELECT g % 20000, 'init', jsonb_build_object('g', g) FROM generate_series(1, 20000) g;
            INSERT INTO keyless SELECT g % 10, 'k' FROM generate_series(1, 200) g;
            INSERT INTO swap_unique SELECT g, 'code' || g FROM generate_series(1, 100) g;
            ANALYZE;
            """;

    private final TestDatabase db;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final WriterTally tally = new WriterTally("the source writer");
    private final Thread thread;
    private final long firstNewId;
    private final int maxPauseMillis;

    /** @param seed also keeps the new keys of different writers apart */
    public SourceWriter(TestDatabase db, long seed) {
        this(db, seed, 3);
    }

    /**
     * @param maxPauseMillis the writer pauses up to this long (less one) after each transaction: more keeps a test that
     *                       restarts godwit often from piling up a backlog on a busy machine
     */
    public SourceWriter(TestDatabase db, long seed, int maxPauseMillis) {
        this.db = db;
        this.maxPauseMillis = maxPauseMillis;
        this.firstNewId = 1_000_000L * seed;
        this.thread = new Thread(() -> run(new Random(seed)), "source-writer");
        thread.setDaemon(true);
        thread.start();
    }

    public long transactions() {
        return tally.transactions();
    }

    /** Waits until at least {@code n} transactions are committed; fails at once if the writer failed. */
    public void awaitTransactions(long n, java.time.Duration timeout) throws InterruptedException {
        tally.await(n, timeout);
    }

    private void run(Random random) {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            long nextId = firstNewId;
            while (running.get()) {
                try (Statement s = c.createStatement()) {
                    int kind = random.nextInt(11);
                    long id = 1 + random.nextInt(20000);
                    switch (kind) {
                        case 0, 1, 2 -> s.execute("UPDATE accounts SET balance = balance + 1, note = note || '+' WHERE id = " + id);
                        case 3 -> s.execute("INSERT INTO accounts VALUES (" + (nextId++) + ", 5, 'new', NULL, '{x,y}')");
                        case 4 -> s.execute("DELETE FROM accounts WHERE id = " + id);
                        case 5 -> s.execute("UPDATE accounts SET id = " + (nextId++) + " WHERE id = " + id);
                        case 6 -> s.execute("INSERT INTO events (account_id, kind, payload) SELECT " + id
                                + ", 'batch', jsonb_build_object('i', g) FROM generate_series(1, 50) g");
                        case 7 -> s.execute("UPDATE accounts SET balance = balance - 1 WHERE id = " + (50 * (1 + random.nextInt(400))));
                        case 8 -> s.execute("UPDATE keyless SET b = b || '!' WHERE ctid = (SELECT ctid FROM keyless WHERE a = "
                                + random.nextInt(10) + " LIMIT 1)");
                        case 9 -> s.execute("DELETE FROM events WHERE id = " + (1 + random.nextInt(20000)));
                        default -> {
                            int a = 1 + random.nextInt(100);
                            int b = 1 + (a + random.nextInt(99)) % 100;
                            s.execute("DO $$ DECLARE ca text; cb text; BEGIN"
                                    + " SELECT code INTO ca FROM swap_unique WHERE id = " + a + ";"
                                    + " SELECT code INTO cb FROM swap_unique WHERE id = " + b + ";"
                                    + " UPDATE swap_unique SET code = 'tmp' || " + a + " WHERE id = " + a + ";"
                                    + " UPDATE swap_unique SET code = ca WHERE id = " + b + ";"
                                    + " UPDATE swap_unique SET code = cb WHERE id = " + a + "; END $$");
                        }
                    }
                }
                c.commit();
                tally.committed();
                Thread.sleep(random.nextInt(maxPauseMillis));
            }
        } catch (SQLException | InterruptedException e) {
            tally.failed(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(10_000);
        tally.throwIfFailed();
    }

    /**
     * Stops the writer after a fenced cutover: its session may have been ended by the fence (SQLSTATE 57P01) or its
     * writes refused as read-only (25006); any other failure is one.
     */
    void closeAfterFence() throws InterruptedException {
        running.set(false);
        thread.join(10_000);
        if (tally.failure() instanceof SQLException e && e.getSQLState() != null
                && (e.getSQLState().equals("57P01") || e.getSQLState().equals("25006") || e.getSQLState().startsWith("08"))) {
            return;
        }
        tally.throwIfFailed();
    }

    /** One source transaction of {@code rows} inserted events, for tests that need a large one. */
    public static void bigTransaction(TestDatabase db, int rows) {
        db.execute("INSERT INTO events (account_id, kind, payload) SELECT g % 20000, 'big', jsonb_build_object('g', g)"
                + " FROM generate_series(1, " + rows + ") g");
    }

    /** One statement that inserts a marker row in its own transaction, for waiting until the target has it. */
    public static void mark(TestDatabase db, String marker) {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("INSERT INTO markers VALUES (?)")) {
            ps.setString(1, marker);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
