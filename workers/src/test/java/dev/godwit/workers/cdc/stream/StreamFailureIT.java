package dev.godwit.workers.cdc.stream;

import static dev.godwit.workers.cdc.stream.StreamFixture.options;
import static dev.godwit.workers.cdc.stream.StreamFixture.pollCommits;
import static dev.godwit.workers.cdc.stream.StreamFixture.prepare;
import static dev.godwit.workers.cdc.stream.StreamFixture.slotName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Commit;
import dev.godwit.workers.pg.Lsn;
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
class StreamFailureIT {

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aRestartOfTheSourceMakesPollThrowAFailureNamingTheSlotAndPosition(PgLab lab) throws Exception {
        PgServer server = lab.dedicatedServer(17, Map.of(), List.of());
        TestDatabase db = lab.newDatabase(server);
        PgConnector source = prepare(db);
        try (ChangeStream stream = ChangeStream.open(source, options(db))) {
            db.execute("INSERT INTO t VALUES (1, 'before the restart')");
            List<StreamEvent> events = pollCommits(stream, 1);
            Lsn end = ((Commit) events.get(events.size() - 1).message()).endLsn();
            stream.confirm(end);

            server.restart();

            ChangeStreamException failure = assertThrows(ChangeStreamException.class, () -> {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (System.nanoTime() < deadline) {
                    stream.poll(Duration.ofMillis(500));
                }
            });
            assertEquals(slotName(db), failure.slotName());
            assertEquals(end, failure.lastReceived());
            assertTrue(failure.getMessage().contains(slotName(db)) && failure.getMessage().contains(end.toString()),
                    failure.getMessage());
            assertTrue(failure.isTransient(), "a restart is worth reconnecting after: " + failure.getCause());
            assertThrows(ChangeStreamException.class, () -> stream.poll(Duration.ZERO), "and it keeps saying so");
        } finally {
            StreamFixture.dropSlot(db);
        }
    }
}
