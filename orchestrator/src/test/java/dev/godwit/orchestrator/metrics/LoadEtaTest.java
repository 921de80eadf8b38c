package dev.godwit.orchestrator.metrics;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.OptionalDouble;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LoadEtaTest {
    private static final Instant T0 = Instant.parse("2026-12-05T12:00:00Z");

    @Test
    void isUnknownUntilAUnitIsCopiedUnderObservationThenRemainingOverRate() {
        LoadEta eta = new LoadEta();
        // 600 bytes done by an earlier run say nothing about this one's speed
        assertEquals(OptionalDouble.empty(), eta.seconds(true, T0, 600, 1000));
        assertEquals(OptionalDouble.empty(), eta.seconds(true, T0.plusSeconds(5), 600, 1000));
        // 200 bytes in 10 s: 20 B/s, 800 left
        assertEquals(OptionalDouble.of(40), eta.seconds(true, T0.plusSeconds(10), 800, 800));
    }

    @Test
    void isZeroWithNothingLeftAndUnknownOutsideTheLoadWhereItStartsAgain() {
        LoadEta eta = new LoadEta();
        eta.seconds(true, T0, 0, 100);
        assertEquals(OptionalDouble.of(0), eta.seconds(true, T0.plusSeconds(3), 100, 0));
        assertEquals(OptionalDouble.empty(), eta.seconds(false, T0.plusSeconds(4), 100, 0));
        assertEquals(OptionalDouble.empty(), eta.seconds(true, T0.plusSeconds(5), 100, 50));
    }
}
