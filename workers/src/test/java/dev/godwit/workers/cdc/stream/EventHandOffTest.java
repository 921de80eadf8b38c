package dev.godwit.workers.cdc.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Begin;
import dev.godwit.workers.pg.Lsn;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EventHandOffTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void eventsCrossInBatchesInTheirOrderAndCountUntilTheConsumerHasThem() throws InterruptedException {
        EventHandOff handOff = new EventHandOff(1024);
        for (int i = 0; i < 63; i++) {
            assertFalse(handOff.add(event(i), 0), "a batch of 1024 / 16 = 64 events is full at the 64th");
        }
        assertTrue(handOff.add(event(63), 0));
        assertTrue(handOff.isEmpty(), "nothing counts as handed before the batch is sent");
        assertTrue(handOff.ship(0));
        assertFalse(handOff.filling());
        assertEquals(64, handOff.size());
        for (int i = 0; i < 64; i++) {
            assertEquals(i, handOff.poll(0).message() instanceof Begin b ? b.xid() : -1);
            assertEquals(63 - i, handOff.size(), "an event taken into the consumer's batch still counts until returned");
        }
        assertTrue(handOff.isEmpty());
        assertNull(handOff.poll(0));
    }

    @Test
    void aBatchIsDueOnceItsFirstEventHasWaitedAMillisecond() {
        EventHandOff handOff = new EventHandOff(1024);
        assertFalse(handOff.shipAge(10 * MS), "an empty batch is never due");
        handOff.add(event(1), 10 * MS);
        handOff.add(event(2), 10 * MS + MS / 2);
        assertFalse(handOff.shipAge(10 * MS + MS - 1));
        assertTrue(handOff.shipAge(11 * MS));
    }

    @Test
    void neverMoreThanTheCapacityWaitsTheConsumersBatchIncluded() throws InterruptedException {
        EventHandOff handOff = new EventHandOff(1024);
        int shipped = 0;
        while (true) {
            if (!handOff.filling()) { // else the batch refused last time is offered again
                for (int i = 0; i < 64; i++) {
                    handOff.add(event(i), 0);
                }
            }
            if (!handOff.ship(0)) {
                break;
            }
            shipped++;
        }
        assertEquals(15, shipped, "15 batches wait; the 16th fits once the consumer takes one");
        assertEquals(960, handOff.size());
        assertEquals(960, handOff.queuedRoom());
        handOff.poll(0);
        assertEquals(896, handOff.queuedRoom(), "the consumer's batch no longer takes room in the queue");
        assertTrue(handOff.ship(0));
        assertEquals(1023, handOff.size());
        assertTrue(handOff.size() <= 1024);
    }

    @Test
    void aSmallCapacityHandsEventsOneByOne() throws InterruptedException {
        EventHandOff handOff = new EventHandOff(8);
        for (int i = 0; i < 8; i++) {
            assertTrue(handOff.add(event(i), 0), "batches of one event");
            assertTrue(handOff.ship(0));
        }
        assertTrue(handOff.add(event(8), 0));
        assertFalse(handOff.ship(0), "full at 8 events");
        assertEquals(8, handOff.size());
        assertTrue(handOff.filling(), "the refused batch stays with the reader");
        handOff.poll(0);
        assertTrue(handOff.ship(0));
        assertEquals(8, handOff.size());
    }

    private static StreamEvent event(long xid) {
        return new StreamEvent(Lsn.parse("0/1000"), new Begin(Lsn.parse("0/2000"), Instant.EPOCH, xid));
    }
}
