package dev.godwit.workers.cdc.pgoutput;

import dev.godwit.workers.pg.Lsn;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Reads the big-endian fields of one pgoutput message and turns every shortfall into a
 * {@link PgOutputDecodingException} naming the field, the offset (from the message's first byte, the tag) and the
 * WAL position. Works on a private view: the caller's buffer position is never moved.
 */
final class MessageReader {

    /** 2000-01-01T00:00:00Z, PostgreSQL's timestamp epoch, in Unix seconds. */
    private static final long POSTGRES_EPOCH_UNIX_SECONDS = 946_684_800L;

    private final ByteBuffer buffer;
    private final int start;
    private final Lsn walPosition;
    private String messageName = "message";
    private CharsetDecoder utf8;

    MessageReader(ByteBuffer message, Lsn walPosition) {
        this.buffer = message.duplicate().order(ByteOrder.BIG_ENDIAN);
        this.start = buffer.position();
        this.walPosition = walPosition;
    }

    /** Names the message being read, for error messages. */
    void messageName(String name) {
        this.messageName = name;
    }

    Lsn walPosition() {
        return walPosition;
    }

    boolean isEmpty() {
        return buffer.limit() == start;
    }

    int remaining() {
        return buffer.remaining();
    }

    int offset() {
        return buffer.position() - start;
    }

    int u8(String field) {
        return u8(field, 0);
    }

    /** An unsigned byte; {@code column} (1-based, 0 = none) only qualifies the field name in errors. */
    int u8(String field, int column) {
        require(1, "int8", field, column);
        return Byte.toUnsignedInt(buffer.get());
    }

    int u16(String field) {
        require(2, "int16", field, 0);
        return Short.toUnsignedInt(buffer.getShort());
    }

    int int32(String field) {
        return int32(field, 0);
    }

    int int32(String field, int column) {
        require(4, "int32", field, column);
        return buffer.getInt();
    }

    /** An OID or transaction id: unsigned 32-bit. */
    long uint32(String field) {
        return Integer.toUnsignedLong(int32(field));
    }

    long int64(String field) {
        require(8, "int64", field, 0);
        return buffer.getLong();
    }

    Lsn lsn(String field) {
        return new Lsn(int64(field));
    }

    /** An LSN that PostgreSQL never sends as 0. */
    Lsn validLsn(String field) {
        int offset = offset();
        Lsn lsn = lsn(field);
        if (!lsn.isValid()) {
            throw fail(field + " at offset " + offset + " is 0/0 (InvalidXLogRecPtr), which PostgreSQL never sends here");
        }
        return lsn;
    }

    /** A TimestampTz: microseconds since 2000-01-01 UTC. */
    Instant timestamp(String field) {
        long micros = int64(field);
        return Instant.ofEpochSecond(
                POSTGRES_EPOCH_UNIX_SECONDS + Math.floorDiv(micros, 1_000_000L),
                Math.floorMod(micros, 1_000_000L) * 1_000L);
    }

    /** A NUL-terminated string, decoded as UTF-8. */
    String cstring(String field) {
        int from = buffer.position();
        for (int i = from; i < buffer.limit(); i++) {
            if (buffer.get(i) == 0) {
                String value = utf8(field, 0, from, i - from);
                buffer.position(i + 1);
                return value;
            }
        }
        throw fail("expected NUL-terminated string " + field + " at offset " + (from - start)
                + ", but the message ends at offset " + (buffer.limit() - start) + " without a terminator");
    }

    /** {@code length} bytes decoded as UTF-8. */
    String utf8(int length, String field, int column) {
        require(length, length + " bytes of", field, column);
        int from = buffer.position();
        String value = utf8(field, column, from, length);
        buffer.position(from + length);
        return value;
    }

    byte[] bytes(int length, String field, int column) {
        require(length, length + " bytes of", field, column);
        byte[] bytes = new byte[length];
        buffer.get(bytes);
        return bytes;
    }

    /** Fails unless every byte of the message was consumed: leftovers mean a layout this decoder does not know. */
    void expectEnd() {
        if (buffer.hasRemaining()) {
            throw fail(buffer.remaining() + " unexpected trailing byte(s) at offset " + offset()
                    + " (message length " + (buffer.limit() - start) + ")");
        }
    }

    PgOutputDecodingException fail(String detail) {
        return new PgOutputDecodingException(
                "pgoutput " + messageName + " message at WAL position " + walPosition + ": " + detail, walPosition);
    }

    private String utf8(String field, int column, int from, int length) {
        if (buffer.hasArray()) {
            // most text values are ASCII (numbers, dates, keys, identifiers): those need no decoder, whose buffers
            // made the decoding the reader thread's largest cost
            byte[] array = buffer.array();
            int offset = buffer.arrayOffset() + from;
            if (isAscii(array, offset, length)) {
                return new String(array, offset, length, StandardCharsets.ISO_8859_1);
            }
        }
        if (utf8 == null) {
            utf8 = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
        }
        try {
            return utf8.decode(buffer.slice(from, length)).toString();
        } catch (CharacterCodingException e) {
            throw new PgOutputDecodingException("pgoutput " + messageName + " message at WAL position " + walPosition
                    + ": " + describe(field, column) + " at offset " + (from - start) + " is not valid UTF-8", walPosition, e);
        }
    }

    private static boolean isAscii(byte[] bytes, int offset, int length) {
        for (int i = offset, end = offset + length; i < end; i++) {
            if (bytes[i] < 0) {
                return false;
            }
        }
        return true;
    }

    private void require(int bytes, String type, String field, int column) {
        if (bytes < 0) {
            throw fail("negative length " + bytes + " for " + describe(field, column) + " before offset " + offset());
        }
        if (buffer.remaining() < bytes) {
            throw fail("expected " + type + " " + describe(field, column) + " at offset " + offset()
                    + ", but the message ends at offset " + (buffer.limit() - start));
        }
    }

    private static String describe(String field, int column) {
        return column > 0 ? field + " of column " + column : field;
    }
}
