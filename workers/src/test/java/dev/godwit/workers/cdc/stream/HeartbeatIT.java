package dev.godwit.workers.cdc.stream;

import static dev.godwit.workers.cdc.stream.StreamFixture.WAIT;
import static dev.godwit.workers.cdc.stream.StreamFixture.await;
import static dev.godwit.workers.cdc.stream.StreamFixture.options;
import static dev.godwit.workers.cdc.stream.StreamFixture.pollUntil;
import static dev.godwit.workers.cdc.stream.StreamFixture.prepare;
import static dev.godwit.workers.cdc.stream.StreamFixture.slot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.LogicalMessage;
import dev.godwit.workers.pg.PgConnector;
import dev.godwit.workers.testkit.PgExtension;
import dev.godwit.workers.testkit.PgLab;
import dev.godwit.workers.testkit.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(PgExtension.class)
class HeartbeatIT {

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {13, 17})
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void heartbeatsArriveAsNonTransactionalLogicalMessagesAndMoveAQuietSlot(int major, PgLab lab) throws Exception {
        assumeTrue(major >= 14, "pgoutput sends logical decoding messages from PostgreSQL 14 on");
        TestDatabase db = lab.newDatabase(major);
        PgConnector source = prepare(db);
        try (ChangeStream stream = ChangeStream.open(source, options(db).withMessages(true));
             Heartbeat heartbeat = Heartbeat.start(source, Duration.ofMillis(200))) {
            assertTrue(stream.messagesRequested());
            List<StreamEvent> events = pollUntil(stream, e -> e.message() instanceof LogicalMessage m
                    && m.prefix().equals(Heartbeat.PREFIX));
            LogicalMessage beat = (LogicalMessage) events.get(events.size() - 1).message();
            assertFalse(beat.transactional());
            String sourceClock = new String(beat.content(), StandardCharsets.UTF_8);
            assertTrue(sourceClock.matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d(\\.\\d+)?\\+00"), sourceClock);

            await("the quiet slot's confirmed_flush_lsn passes the heartbeat", WAIT, () -> {
                drain(stream);
                return !slot(db).confirmedFlushLsn().isBefore(beat.lsn());
            });
            assertTrue(heartbeat.emitted() > 0);
            assertEquals(0, heartbeat.failed());
        } finally {
            StreamFixture.dropSlot(db);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void messagesAreNotRequestedFromAServerOlderThan14AndTheStreamStillWorks(PgLab lab) throws Exception {
        TestDatabase db = lab.newDatabase(13);
        PgConnector source = prepare(db);
        try (ChangeStream stream = ChangeStream.open(source, options(db).withMessages(true))) {
            assertFalse(stream.messagesRequested());
            db.execute("INSERT INTO t VALUES (1, 'x')");
            StreamFixture.pollCommits(stream, 1);
        } finally {
            StreamFixture.dropSlot(db);
        }
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {13, 17})
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aRoleWithoutSuperuserOrReplicationCanEmitHeartbeats(int major, PgLab lab) throws Exception {
        TestDatabase db = lab.newDatabase(major);
        String role = "hb_" + db.name();
        db.execute("CREATE ROLE " + role + " LOGIN NOSUPERUSER NOREPLICATION");
        try (Heartbeat heartbeat = Heartbeat.start(as(db, role), Duration.ofMillis(100))) {
            await("a heartbeat was written", WAIT, () -> heartbeat.emitted() > 0);
            assertEquals(0, heartbeat.failed());
        } finally {
            dropRole(db, role);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aRevokedFunctionMakesHeartbeatsLoggedFailuresNotACrash(PgLab lab) throws Exception {
        TestDatabase db = lab.newDatabase(17);
        String role = "hb_" + db.name();
        db.execute("CREATE ROLE " + role + " LOGIN NOSUPERUSER NOREPLICATION");
        for (String revoke : db.column("SELECT format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', oid::regprocedure) "
                + "FROM pg_proc WHERE proname = 'pg_logical_emit_message'")) {
            db.execute(revoke);
        }
        try (Heartbeat heartbeat = Heartbeat.start(as(db, role), Duration.ofMillis(100))) {
            await("several beats failed", WAIT, () -> heartbeat.failed() >= 3);
            assertEquals(0, heartbeat.emitted());
        } finally {
            dropRole(db, role);
        }
    }

    private static PgConnector as(TestDatabase db, String role) {
        return new PgConnector("source", db.endpoint(role));
    }

    private static void dropRole(TestDatabase db, String role) {
        db.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '" + role + "'");
        try {
            await("the role's sessions ended", Duration.ofSeconds(10), () -> db.column(
                    "SELECT 1 FROM pg_stat_activity WHERE usename = '" + role + "'").isEmpty());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        db.execute("DROP OWNED BY " + role, "DROP ROLE " + role);
    }

    private static void drain(ChangeStream stream) {
        try {
            while (stream.poll(Duration.ZERO) != null) {
                // a consumer that has nothing to apply: heartbeats need no confirmation
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
