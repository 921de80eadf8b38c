package dev.godwit.workers.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.replication.LogSequenceNumber;

class LsnTest {

    @Test
    void parsesTheTextFormIntoHighAndLowHalves() {
        assertEquals(0x16_B374_D848L, Lsn.parse("16/B374D848").value());
    }

    @Test
    void formatsAsUpperCaseHexWithoutPaddingLikePgLsn() {
        assertEquals("16/B374D848", new Lsn(0x16_B374_D848L).toString());
        assertEquals("0/16B3748", new Lsn(0x16B3748L).toString());
        assertEquals("0/0", Lsn.INVALID.toString());
    }

    @Test
    void parsesLowerCaseAndZeroPaddedHalves() {
        assertEquals(new Lsn(0x16B3748L), Lsn.parse("0/016b3748"));
        assertEquals(new Lsn(0x1_0000_0000L), Lsn.parse("00000001/00000000"));
    }

    @Test
    void roundTripsTheLargestPositionWhichIsNegativeAsASignedLong() {
        Lsn max = Lsn.parse("FFFFFFFF/FFFFFFFF");
        assertEquals(-1L, max.value());
        assertEquals("FFFFFFFF/FFFFFFFF", max.toString());
        assertEquals(max, Lsn.parse(max.toString()));
    }

    @Test
    void comparesAsUnsignedSoPositionsAbove2To63SortLast() {
        Lsn below = Lsn.parse("7FFFFFFF/FFFFFFFF");
        Lsn above = Lsn.parse("80000000/0");
        assertTrue(above.value() < 0, "fixture: the raw long is negative");
        assertTrue(above.compareTo(below) > 0);
        assertTrue(below.isBefore(above));
        assertTrue(above.isAfter(below));
        List<Lsn> sorted = new ArrayList<>(List.of(above, Lsn.INVALID, below, Lsn.parse("FFFFFFFF/FFFFFFFF")));
        sorted.sort(null);
        assertEquals(List.of(Lsn.INVALID, below, above, Lsn.parse("FFFFFFFF/FFFFFFFF")), sorted);
    }

    @Test
    void equalPositionsCompareEqualAndHashAlike() {
        assertEquals(0, Lsn.parse("1/2").compareTo(new Lsn(0x1_0000_0002L)));
        assertEquals(Lsn.parse("1/2").hashCode(), new Lsn(0x1_0000_0002L).hashCode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "16", "16/", "/B374D848", "1/2/3", "G/0", "0/XYZ", "123456789/0", "0/123456789",
        "+1/0", "0/-1", " 1/0", "1/0 ", "0x1/0", "1.0/0"})
    void rejectsMalformedTextNamingTheInputAndTheExpectedForm(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Lsn.parse(text));
        assertTrue(e.getMessage().contains("\"" + text + "\""), e.getMessage());
        assertTrue(e.getMessage().contains("X/X"), e.getMessage());
    }

    @Test
    void rejectsNullWithAClearMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Lsn.parse(null));
        assertTrue(e.getMessage().contains("must not be null"), e.getMessage());
    }

    @Test
    void invalidIsZeroAndEveryOtherPositionIsValid() {
        assertEquals(0L, Lsn.INVALID.value());
        assertFalse(Lsn.INVALID.isValid());
        assertFalse(Lsn.parse("0/0").isValid());
        assertTrue(Lsn.parse("0/1").isValid());
        assertTrue(Lsn.parse("FFFFFFFF/FFFFFFFF").isValid());
    }

    @Test
    void plusAdvancesAcrossTheHalvesBoundary() {
        assertEquals(Lsn.parse("1/0"), Lsn.parse("0/FFFFFFFF").plus(1));
        assertEquals(Lsn.parse("80000000/0"), Lsn.parse("7FFFFFFF/FFFFFFFF").plus(1));
        assertEquals(Lsn.parse("5/5"), Lsn.parse("5/5").plus(0));
    }

    @Test
    void plusRefusesToGoBackwardsOrPastTheLargestPosition() {
        assertThrows(IllegalArgumentException.class, () -> Lsn.parse("1/0").plus(-1));
        assertThrows(ArithmeticException.class, () -> Lsn.parse("FFFFFFFF/FFFFFFFF").plus(1));
    }

    @Test
    void bytesSinceIsPositiveWhenAheadAndNegativeWhenBehind() {
        Lsn earlier = Lsn.parse("0/FFFFFFF0");
        Lsn later = Lsn.parse("1/10");
        assertEquals(0x20, later.bytesSince(earlier));
        assertEquals(-0x20, earlier.bytesSince(later));
        assertEquals(0, later.bytesSince(later));
    }

    @Test
    void bytesSinceWorksAcrossThe2To63Boundary() {
        assertEquals(0x20, Lsn.parse("80000000/10").bytesSince(Lsn.parse("7FFFFFFF/FFFFFFF0")));
    }

    @Test
    void bytesSinceRefusesDistancesThatDoNotFitInALong() {
        Lsn max = Lsn.parse("FFFFFFFF/FFFFFFFF");
        assertThrows(ArithmeticException.class, () -> max.bytesSince(Lsn.INVALID));
        assertThrows(ArithmeticException.class, () -> Lsn.INVALID.bytesSince(max));
    }

    @Test
    void convertsToAndFromPgJdbcLogSequenceNumber() {
        LogSequenceNumber pgjdbc = LogSequenceNumber.valueOf("16/B374D848");
        assertEquals(Lsn.parse("16/B374D848"), Lsn.of(pgjdbc));
        assertEquals(pgjdbc, Lsn.parse("16/B374D848").toLogSequenceNumber());
        assertEquals("FFFFFFFF/FFFFFFFF", Lsn.parse("FFFFFFFF/FFFFFFFF").toLogSequenceNumber().asString());
    }
}
