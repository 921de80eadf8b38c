package dev.godwit.workers.cdc.stream;

import static dev.godwit.workers.cdc.stream.StreamFixture.WAIT;
import static dev.godwit.workers.cdc.stream.StreamFixture.await;
import static dev.godwit.workers.cdc.stream.StreamFixture.options;
import static dev.godwit.workers.cdc.stream.StreamFixture.pollCommits;
import static dev.godwit.workers.cdc.stream.StreamFixture.prepare;
import static dev.godwit.workers.cdc.stream.StreamFixture.slotName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Commit;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Insert;
import dev.godwit.workers.pg.PgConnector;
import dev.godwit.workers.testkit.PgExtension;
import dev.godwit.workers.testkit.PgLab;
import dev.godwit.workers.testkit.PgServer;
import dev.godwit.workers.testkit.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PgExtension.class)
class StreamBackpressureIT {

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aConsumerThatStopsPollingForLongerThanWalSenderTimeoutKeepsTheStreamAlive(PgLab lab) throws Exception {
        PgServer server = lab.dedicatedServer(17, Map.of("wal_sender_timeout", "2s"), List.of());
        TestDatabase db = lab.newDatabase(server);
        PgConnector source = prepare(db);
        StreamOptions options = options(db).withStatusInterval(StreamOptions.DEFAULT_STATUS_INTERVAL)
                .withQueueCapacity(8);
        try (ChangeStream stream = ChangeStream.open(source, options)) {
            assertEquals(Duration.ofMillis(666), stream.statusInterval(), "lowered to a third of wal_sender_timeout");
            await("the slot is active", WAIT, () -> StreamFixture.slot(db).active());
            String walsender = activePid(db);
            for (int i = 0; i < 20; i++) {
                db.execute("INSERT INTO t SELECT g, 'x' FROM generate_series(" + (i * 50 + 1) + ", " + (i * 50 + 50)
                        + ") g");
            }
            await("the reader filled the queue", WAIT, () -> stream.queued() == 8);
            Thread.sleep(6_000); // three times wal_sender_timeout without a single poll: the point of the test
            assertEquals(walsender, activePid(db), "the same walsender still serves the slot");

            List<StreamEvent> events = pollCommits(stream, 20);
            assertEquals(1000, events.stream().filter(e -> e.message() instanceof Insert).count());
            db.execute("INSERT INTO t VALUES (100000, 'after the pause')");
            assertTrue(pollCommits(stream, 1).get(0).message() != null);
            assertEquals(walsender, activePid(db));
        } finally {
            StreamFixture.dropSlot(db);
        }
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void aHugeTransactionStreamsThroughASmallQueueWithoutTheReaderRunningAhead(PgLab lab) throws Exception {
        TestDatabase db = lab.newDatabase(17);
        PgConnector source = prepare(db);
        int rows = 300_000;
        int capacity = 16;
        try (ChangeStream stream = ChangeStream.open(source, options(db).withQueueCapacity(capacity))) {
            db.execute("INSERT INTO t SELECT g, 'x' FROM generate_series(1, " + rows + ") g");
            long polled = 0;
            long inserts = 0;
            boolean paused = false;
            while (true) {
                StreamEvent e = stream.poll(WAIT);
                assertTrue(e != null, "the stream went quiet after " + polled + " events");
                polled++;
                if (e.message() instanceof Insert) {
                    inserts++;
                }
                if (!paused && inserts == rows / 2) {
                    Thread.sleep(1_000); // the reader must wait for us, not buffer the rest of the transaction
                    paused = true;
                }
                long ahead = stream.decodedCount() - polled;
                assertTrue(ahead <= capacity + 1, "the reader holds " + ahead + " undelivered events, more than the "
                        + "queue capacity " + capacity + " plus the one being handed over");
                if (e.message() instanceof Commit c) {
                    stream.confirm(c.endLsn());
                    break;
                }
            }
            assertEquals(rows, inserts);
            assertTrue(stream.maxQueued() <= capacity);
        } finally {
            StreamFixture.dropSlot(db);
        }
    }

    private static String activePid(TestDatabase db) {
        return db.value("SELECT active_pid FROM pg_replication_slots WHERE slot_name = '" + slotName(db) + "'");
    }
}
