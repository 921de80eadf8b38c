package dev.godwit.workers.cdc.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.godwit.workers.pg.Lsn;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class StreamOptionsTest {

    @Test
    void refusesSlotNamesPostgresWouldRefuse() {
        assertThrows(IllegalArgumentException.class, () -> StreamOptions.of("Bad-Name", "pub", Lsn.INVALID));
        assertEquals("ok_1", StreamOptions.of("ok_1", "pub", Lsn.INVALID).slotName());
    }

    @Test
    void refusesAnEmptyQueueAndUnsupportedProtocolVersions() {
        StreamOptions options = StreamOptions.of("s", "p", Lsn.INVALID);
        assertThrows(IllegalArgumentException.class, () -> options.withQueueCapacity(0));
        assertThrows(IllegalArgumentException.class, () -> options.withProtocolVersion(3));
        assertThrows(IllegalArgumentException.class, () -> options.withStatusInterval(Duration.ZERO));
    }

    @Test
    void lowersTheStatusIntervalToAThirdOfTheWalSenderTimeout() {
        assertEquals(Duration.ofMillis(666),
                ChangeStream.effectiveStatusInterval(Duration.ofSeconds(10), Duration.ofSeconds(2)));
        assertEquals(Duration.ofSeconds(10),
                ChangeStream.effectiveStatusInterval(Duration.ofSeconds(10), Duration.ofMinutes(1)));
        assertEquals(Duration.ofSeconds(10),
                ChangeStream.effectiveStatusInterval(Duration.ofSeconds(10), Duration.ZERO), "0 disables the timeout");
    }

    @Test
    void readsTimeSettingsAsShowPrintsThem() {
        assertEquals(Duration.ofSeconds(60), ChangeStream.parseDuration("60s"));
        assertEquals(Duration.ofMillis(500), ChangeStream.parseDuration("500ms"));
        assertEquals(Duration.ofMinutes(2), ChangeStream.parseDuration("2min"));
        assertEquals(Duration.ZERO, ChangeStream.parseDuration("0"));
    }

    @Test
    void quotesThePublicationNameAsAnIdentifierInsideALiteral() {
        assertEquals("\"MyPub\"", ChangeStream.publicationOption("MyPub"));
        assertEquals("\"a\"\"b''c\"", ChangeStream.publicationOption("a\"b'c"));
    }
}
