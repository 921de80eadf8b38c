package dev.godwit.workers.cdc.pgoutput;

import static dev.godwit.workers.cdc.pgoutput.MessageBytes.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.godwit.workers.pg.Lsn;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Unknown, misplaced, truncated and garbled messages: always a {@link PgOutputDecodingException}, never a leak. */
class PgOutputDecoderErrorsTest {

    private static final Lsn AT = Lsn.parse("16/B374D848");
    private static final Instant TIME = Instant.parse("2024-05-17T09:30:15Z");

    private final PgOutputDecoder decoder = new PgOutputDecoder(1);

    private PgOutputDecodingException failure(MessageBytes bytes) {
        return failure(bytes.buffer());
    }

    private PgOutputDecodingException failure(ByteBuffer buffer) {
        return assertThrows(PgOutputDecodingException.class, () -> decoder.decode(buffer, AT));
    }

    private static void assertMentions(PgOutputDecodingException e, String... fragments) {
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), () -> "expected \"" + fragment + "\" in: " + e.getMessage());
        }
    }

    @Test
    void unknownMessageTypeNamesTheByteAsCharAndHexAndTheWalPosition() {
        PgOutputDecodingException e = failure(message('Z').int32(1));
        assertMentions(e, "unknown pgoutput message type", "'Z'", "0x5A", "16/B374D848");
        assertEquals(AT, e.walPosition());
    }

    @Test
    void unknownNonPrintableMessageTypeIsShownEscapedAndInHex() {
        PgOutputDecodingException e = failure(message('\u0001'));
        assertMentions(e, "'\\u0001'", "0x01", "16/B374D848");
        assertMentions(failure(message((char) 0xFF)), "0xFF");
    }

    @ParameterizedTest
    @ValueSource(chars = {'b', 'P', 'K', 'r', 'p'})
    void twoPhaseMessagesAreReportedAsUnsupportedProtocolVersion3(char tag) {
        assertMentions(failure(message(tag).int64(1)), "two-phase", "protocol version 3", "'" + tag + "'",
                "16/B374D848");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 3, 4, -1})
    void refusesProtocolVersionsOtherThan1And2(int version) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PgOutputDecoder(version));
        assertTrue(e.getMessage().contains("proto_version " + version + " is not supported"), e.getMessage());
    }

    @Test
    void emptyMessageIsAnError() {
        assertMentions(failure(ByteBuffer.allocate(0)), "empty message", "16/B374D848");
    }

    @Test
    void truncatedMessageNamesTheExpectedFieldAndOffset() {
        PgOutputDecodingException e = failure(message('B').int64(1).timestamp(TIME).int32(5).truncatedTo(5));
        assertMentions(e, "Begin", "16/B374D848", "expected int64 final_lsn at offset 1",
                "the message ends at offset 5");
    }

    @Test
    void truncatedTextValueNamesTheColumn() {
        ByteBuffer cut = message('I').int32(1).int8('N').columns(2).text("a").text("hello").truncatedTo(22);
        assertMentions(failure(cut), "Insert", "5 bytes of text value of column 2", "offset 19");
    }

    @Test
    void everyPrefixOfEveryMessageFailsWithADecodingException() {
        List<MessageBytes> messages = List.of(
                message('B').int64(1).timestamp(TIME).int32(5),
                message('C').int8(0).int64(1).int64(2).timestamp(TIME),
                message('O').int64(1).cstring("origin"),
                message('R').int32(1).cstring("public").cstring("t").int8('d').int16(2)
                        .int8(1).cstring("id").int32(23).int32(-1).int8(0).cstring("v").int32(25).int32(-1),
                message('Y').int32(1).cstring("public").cstring("mood"),
                message('I').int32(1).int8('N').columns(4).text("a").nullValue().unchangedToast()
                        .binary(new byte[] {1, 2}),
                message('U').int32(1).int8('K').columns(1).text("k").int8('N').columns(1).text("n"),
                message('D').int32(1).int8('O').columns(1).text("o"),
                message('T').int32(2).int8(3).int32(1).int32(2),
                message('M').int8(1).int64(1).cstring("p").int32(3).raw(new byte[] {1, 2, 3}));
        for (MessageBytes bytes : messages) {
            byte[] whole = bytes.toByteArray();
            new PgOutputDecoder(1).decode(ByteBuffer.wrap(whole), AT); // the whole message is fine
            for (int length = 0; length < whole.length; length++) {
                ByteBuffer prefix = ByteBuffer.wrap(whole, 0, length).slice();
                PgOutputDecodingException e = failure(prefix);
                assertTrue(e.getMessage().contains("16/B374D848"), e.getMessage());
            }
        }
    }

    @Test
    void trailingBytesAreAnError() {
        assertMentions(failure(message('C').int8(0).int64(1).int64(2).timestamp(TIME).int32(0)),
                "4 unexpected trailing byte(s) at offset 26");
    }

    @Test
    void unknownValueKindNamesTheColumnAndByte() {
        assertMentions(failure(message('I').int32(1).int8('N').columns(2).nullValue().int8('x')),
                "unknown value kind 'x' (0x78) for column 2");
    }

    @Test
    void negativeValueLengthIsAnError() {
        assertMentions(failure(message('I').int32(1).int8('N').columns(1).int8('t').int32(-1)),
                "negative length -1", "column 1");
    }

    @Test
    void invalidUtf8TextIsAnErrorNotASilentReplacement() {
        PgOutputDecodingException e = failure(message('I').int32(1).int8('N').columns(1)
                .int8('t').int32(2).raw(new byte[] {(byte) 0xC3, 0x28}));
        assertMentions(e, "text value of column 1", "not valid UTF-8");
    }

    @Test
    void unterminatedStringIsAnError() {
        assertMentions(failure(message('O').int64(1).raw("origin".getBytes())),
                "expected NUL-terminated string origin name at offset 9");
    }

    @Test
    void insertWithoutNewTupleMarkerIsAnError() {
        assertMentions(failure(message('I').int32(1).int8('K').columns(0)), "expected new tuple marker 'N'",
                "'K' (0x4B)");
    }

    @Test
    void updateWithAnUnknownTupleMarkerIsAnError() {
        assertMentions(failure(message('U').int32(1).int8('X').columns(0)), "'K', 'O' or 'N'", "'X'");
        assertMentions(failure(message('U').int32(1).int8('K').columns(0).int8('O').columns(0)), "'O'");
    }

    @Test
    void deleteWithANewTupleMarkerIsAnError() {
        assertMentions(failure(message('D').int32(1).int8('N').columns(0)), "'K' or 'O'", "'N'");
    }

    @Test
    void unknownReplicaIdentityIsAnError() {
        assertMentions(failure(message('R').int32(1).cstring("public").cstring("t").int8('z').int16(0)),
                "unknown replica identity 'z'", "public.t");
    }

    @Test
    void truncateWithUnknownOptionBitsIsAnError() {
        assertMentions(failure(message('T').int32(1).int8(4).int32(1)), "unknown truncate option bits 0x4");
    }

    @Test
    void truncateWithAnImpossibleRelationCountFailsWithoutAllocatingForIt() {
        assertMentions(failure(message('T').int32(Integer.MAX_VALUE).int8(0).int32(1)),
                "relation count 2147483647 does not fit");
        assertMentions(failure(message('T').int32(-1).int8(0)), "relation count 4294967295");
    }

    @Test
    void messageContentLongerThanTheMessageIsAnError() {
        assertMentions(failure(message('M').int8(0).int64(1).cstring("p").int32(Integer.MAX_VALUE).int8(1)),
                "expected 2147483647 bytes of content");
    }

    @Test
    void zeroFinalOrEndLsnIsAnError() {
        assertMentions(failure(message('B').int64(0).timestamp(TIME).int32(1)), "final_lsn", "0/0");
        assertMentions(failure(message('C').int8(0).int64(1).int64(0).timestamp(TIME)), "end_lsn", "0/0");
    }

    @Test
    void randomBytesAfterAnyKnownMessageTypeNeverLeakAnotherException() {
        Random random = new Random(20240517L);
        char[] tags = {'B', 'C', 'O', 'R', 'Y', 'I', 'U', 'D', 'T', 'M', 'S', 'E', 'c', 'A'};
        for (int round = 0; round < 20_000; round++) {
            byte[] bytes = new byte[1 + random.nextInt(40)];
            random.nextBytes(bytes);
            bytes[0] = (byte) tags[random.nextInt(tags.length)];
            PgOutputDecoder fresh = new PgOutputDecoder(1 + random.nextInt(2));
            try {
                fresh.decode(ByteBuffer.wrap(bytes), AT);
            } catch (PgOutputDecodingException expected) {
                // fine: garbage is reported as such
            } catch (RuntimeException e) {
                fail("leaked " + e + " for " + java.util.HexFormat.of().formatHex(bytes), e);
            }
        }
    }
}
