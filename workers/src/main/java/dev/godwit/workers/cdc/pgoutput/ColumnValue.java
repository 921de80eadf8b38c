package dev.godwit.workers.cdc.pgoutput;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * One column of a {@link TupleData}, in the representation the publisher chose.
 *
 * <p>The four cases are distinct types so that an applier cannot confuse them: in particular
 * {@link UnchangedToast} means "the value was not sent and is unchanged", which is neither SQL NULL nor any value,
 * and must never be written to the target (leave the column out of the UPDATE, or take it from an 'O' tuple).
 */
public sealed interface ColumnValue
        permits ColumnValue.Null, ColumnValue.UnchangedToast, ColumnValue.Text, ColumnValue.Binary {

    /** Wire kind 'n': SQL NULL. */
    record Null() implements ColumnValue {
        public static final Null INSTANCE = new Null();

        @Override
        public String toString() {
            return "NULL";
        }
    }

    /**
     * Wire kind 'u': an unchanged value stored out of line (TOAST). The value itself was NOT sent; the target's
     * current value is still correct and must be kept.
     */
    record UnchangedToast() implements ColumnValue {
        public static final UnchangedToast INSTANCE = new UnchangedToast();

        @Override
        public String toString() {
            return "<unchanged toast>";
        }
    }

    /**
     * Wire kind 't': the type's text output, decoded as UTF-8 (the replication connection's client_encoding). An
     * empty string is a value, distinct from {@link Null}.
     */
    record Text(String value) implements ColumnValue {
        public Text {
            if (value == null) {
                throw new IllegalArgumentException("text value must not be null; use ColumnValue.Null");
            }
        }

        @Override
        public String toString() {
            return "'" + value + "'";
        }
    }

    /**
     * Wire kind 'b' (publisher option {@code binary}): the type's binary send format. The bytes are copied in and
     * never exposed mutably: {@link #bytes()} returns a copy, {@link #asByteBuffer()} a read-only view.
     */
    record Binary(byte[] bytes) implements ColumnValue {
        public Binary {
            bytes = bytes.clone();
        }

        /** A copy of the value's bytes. */
        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        /** A read-only view of the value's bytes, without copying. */
        public ByteBuffer asByteBuffer() {
            return ByteBuffer.wrap(bytes).asReadOnlyBuffer();
        }

        public int length() {
            return bytes.length;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Binary that && Arrays.equals(bytes, that.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "\\x" + HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, 64))
                    + (bytes.length > 64 ? "… (" + bytes.length + " bytes)" : "");
        }
    }
}
