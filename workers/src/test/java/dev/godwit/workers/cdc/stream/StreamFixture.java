package dev.godwit.workers.cdc.stream;

import dev.godwit.workers.cdc.pgoutput.PgOutputMessage;
import dev.godwit.workers.pg.Lsn;
import dev.godwit.workers.pg.PgConnector;
import dev.godwit.workers.testkit.TestDatabase;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/** What the stream tests share: a database with a publication and a slot, and a consumer that confirms commits. */
final class StreamFixture {
    static final String PUBLICATION = "godwit_pub";
    static final Duration WAIT = Duration.ofSeconds(30);

    private StreamFixture() {
    }

    /** Creates table {@code t (id int primary key, v text)}, a publication of it, and the slot. */
    static PgConnector prepare(TestDatabase db) {
        db.execute("CREATE TABLE t (id int PRIMARY KEY, v text)", "CREATE PUBLICATION " + PUBLICATION + " FOR TABLE t",
                "SELECT pg_create_logical_replication_slot('" + slotName(db) + "', 'pgoutput')");
        return connector(db);
    }

    static PgConnector connector(TestDatabase db) {
        return new PgConnector("source", db.endpoint(db.server().superuser()));
    }

    /** Slots are server-wide: each test database gets its own. */
    static String slotName(TestDatabase db) {
        String name = "godwit_" + db.name();
        return name.length() > 63 ? name.substring(0, 63) : name;
    }

    /** Test options: status every 200 ms so confirmations show quickly. */
    static StreamOptions options(TestDatabase db) {
        return StreamOptions.of(slotName(db), PUBLICATION, Lsn.INVALID).withStatusInterval(Duration.ofMillis(200))
                .withQueueCapacity(64);
    }

    /** Drops the test's slot once its walsender has gone (that takes a moment after the stream closed). */
    static void dropSlot(TestDatabase db) throws InterruptedException {
        String name = slotName(db);
        await("slot " + name + " is released", Duration.ofSeconds(10), () -> db.column(
                "SELECT 1 FROM pg_replication_slots WHERE slot_name = '" + name + "' AND active").isEmpty());
        db.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '" + name
                + "'");
    }

    static SlotInspector.SlotState slot(TestDatabase db) {
        try (Connection c = db.connect()) {
            return SlotInspector.slot(c, slotName(db)).orElseThrow();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static Lsn currentWal(TestDatabase db) {
        try (Connection c = db.connect()) {
            return SlotInspector.currentWalLsn(c);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits for a condition, checking every 50 ms; fails naming {@code what} after {@code timeout}. */
    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting until " + what);
            }
            Thread.sleep(50);
        }
    }

    /** Polls until an event matches {@code last}; returns every event polled, that one included. */
    static List<StreamEvent> pollUntil(ChangeStream stream, Predicate<StreamEvent> last) throws InterruptedException {
        List<StreamEvent> events = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            StreamEvent e = stream.poll(Duration.ofMillis(200));
            if (e != null) {
                events.add(e);
                if (last.test(e)) {
                    return events;
                }
            }
        }
        throw new AssertionError("no matching event within " + WAIT + "; got " + events.size() + " events: "
                + (events.size() > 10 ? events.subList(events.size() - 10, events.size()) : events));
    }

    /** Polls until {@code count} Commit messages arrived. */
    static List<StreamEvent> pollCommits(ChangeStream stream, int count) throws InterruptedException {
        int[] seen = {0};
        return pollUntil(stream, e -> e.message() instanceof PgOutputMessage.Commit && ++seen[0] == count);
    }

    /**
     * A consumer that applies nothing and confirms each commit as it arrives, as an applier does after its target
     * commit; runs until stopped.
     */
    static Thread confirmingConsumer(ChangeStream stream) {
        Thread t = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    StreamEvent e = stream.poll(Duration.ofMillis(100));
                    if (e != null && e.message() instanceof PgOutputMessage.Commit c) {
                        stream.confirm(c.endLsn());
                    }
                }
            } catch (InterruptedException | IllegalStateException ignored) {
                // stopped or closed
            }
        }, "test-consumer");
        t.setDaemon(true);
        t.start();
        return t;
    }

    static List<PgOutputMessage> messages(List<StreamEvent> events) {
        return events.stream().map(StreamEvent::message).toList();
    }
}
