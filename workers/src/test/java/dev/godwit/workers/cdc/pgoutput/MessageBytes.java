package dev.godwit.workers.cdc.pgoutput;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/** Writes pgoutput messages field by field, big-endian, as PostgreSQL's proto.c does: the tests' byte fixtures. */
final class MessageBytes {

    static final Instant POSTGRES_EPOCH = Instant.parse("2000-01-01T00:00:00Z");

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static MessageBytes message(char tag) {
        return new MessageBytes().int8(tag);
    }

    MessageBytes int8(int value) {
        out.write(value);
        return this;
    }

    MessageBytes int16(int value) {
        return int8(value >>> 8).int8(value);
    }

    MessageBytes int32(long value) {
        return int16((int) (value >>> 16) & 0xFFFF).int16((int) value & 0xFFFF);
    }

    MessageBytes int64(long value) {
        return int32(value >>> 32).int32(value & 0xFFFF_FFFFL);
    }

    MessageBytes timestamp(Instant instant) {
        Duration since = Duration.between(POSTGRES_EPOCH, instant);
        return int64(Math.addExact(Math.multiplyExact(since.getSeconds(), 1_000_000L), since.getNano() / 1_000));
    }

    MessageBytes cstring(String value) {
        return raw(value.getBytes(StandardCharsets.UTF_8)).int8(0);
    }

    MessageBytes raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    /** A tuple header: 'N'/'K'/'O' is written separately; this is the int16 column count. */
    MessageBytes columns(int count) {
        return int16(count);
    }

    MessageBytes nullValue() {
        return int8('n');
    }

    MessageBytes unchangedToast() {
        return int8('u');
    }

    MessageBytes text(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        return int8('t').int32(bytes.length).raw(bytes);
    }

    MessageBytes binary(byte[] value) {
        return int8('b').int32(value.length).raw(value);
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }

    ByteBuffer buffer() {
        return ByteBuffer.wrap(toByteArray());
    }

    /** The first {@code length} bytes only: a truncated message. */
    ByteBuffer truncatedTo(int length) {
        return ByteBuffer.wrap(toByteArray(), 0, length).slice();
    }
}
