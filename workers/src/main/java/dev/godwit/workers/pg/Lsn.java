package dev.godwit.workers.pg;

import java.util.Locale;
import org.postgresql.replication.LogSequenceNumber;

/**
 * A PostgreSQL WAL position (XLogRecPtr): an unsigned 64-bit byte offset into the write-ahead log.
 *
 * <p>The value is held in a {@code long} but is always treated as unsigned: positions at or above 2^63 compare as
 * larger than every position below it. The text form is PostgreSQL's {@code pg_lsn} form, two upper-case hexadecimal
 * numbers (high and low 32 bits) separated by a slash, e.g. {@code 16/B374D848}.
 *
 * @param value the raw 64-bit position, read as unsigned
 */
public record Lsn(long value) implements Comparable<Lsn> {

    /** {@code InvalidXLogRecPtr}: "no position". */
    public static final Lsn INVALID = new Lsn(0L);

    private static final int MAX_HEX_DIGITS_PER_HALF = 8;

    /**
     * Parses the {@code pg_lsn} text form {@code X/X}: each half 1 to 8 hexadecimal digits, either case, with or
     * without leading zeros (so both {@code 0/16B3748} and {@code 0/016B3748} are accepted).
     *
     * @throws IllegalArgumentException if {@code text} is null or not of that form
     */
    public static Lsn parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("LSN must not be null; expected the form X/X, e.g. 16/B374D848");
        }
        int slash = text.indexOf('/');
        if (slash < 0 || slash != text.lastIndexOf('/')) {
            throw invalid(text, "expected exactly one '/' between two hexadecimal numbers");
        }
        long high = parseHalf(text, text.substring(0, slash), "high");
        long low = parseHalf(text, text.substring(slash + 1), "low");
        return new Lsn((high << 32) | low);
    }

    private static long parseHalf(String text, String half, String which) {
        if (half.isEmpty() || half.length() > MAX_HEX_DIGITS_PER_HALF) {
            throw invalid(text, "the " + which + " half must have 1 to 8 hexadecimal digits");
        }
        long result = 0;
        for (int i = 0; i < half.length(); i++) {
            int digit = Character.digit(half.charAt(i), 16);
            if (digit < 0) {
                throw invalid(text, "'" + half.charAt(i) + "' in the " + which + " half is not a hexadecimal digit");
            }
            result = (result << 4) | digit;
        }
        return result;
    }

    private static IllegalArgumentException invalid(String text, String why) {
        return new IllegalArgumentException(
                "invalid LSN \"" + text + "\": " + why + " (expected the form X/X, e.g. 16/B374D848)");
    }

    /** The position PgJDBC reports, e.g. from {@code PGReplicationStream.getLastReceiveLSN()}. */
    public static Lsn of(LogSequenceNumber lsn) {
        return new Lsn(lsn.asLong());
    }

    /** The same position as PgJDBC's type, e.g. for {@code setFlushedLSN} or {@code withStartPosition}. */
    public LogSequenceNumber toLogSequenceNumber() {
        return LogSequenceNumber.valueOf(value);
    }

    /** Whether this is a real position, i.e. not {@link #INVALID}. */
    public boolean isValid() {
        return value != 0L;
    }

    /**
     * The position {@code bytes} further on.
     *
     * @throws IllegalArgumentException if {@code bytes} is negative
     * @throws ArithmeticException if the result would pass the largest position (2^64 - 1)
     */
    public Lsn plus(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("cannot move an LSN backwards: " + this + " plus " + bytes);
        }
        long result = value + bytes;
        if (Long.compareUnsigned(result, value) < 0) {
            throw new ArithmeticException("LSN overflow: " + this + " plus " + bytes + " bytes");
        }
        return new Lsn(result);
    }

    /**
     * The number of WAL bytes from {@code earlier} to this position: positive when this is ahead, negative when
     * {@code earlier} is actually ahead (e.g. a lag that went briefly below zero).
     *
     * @throws ArithmeticException if the distance does not fit in a signed long (more than 2^63 - 1 bytes)
     */
    public long bytesSince(Lsn earlier) {
        if (Long.compareUnsigned(value, earlier.value) >= 0) {
            long distance = value - earlier.value;
            if (distance < 0) {
                throw new ArithmeticException("distance from " + earlier + " to " + this + " exceeds 2^63 - 1 bytes");
            }
            return distance;
        }
        long distance = earlier.value - value;
        if (distance < 0) {
            throw new ArithmeticException("distance from " + earlier + " to " + this + " exceeds 2^63 - 1 bytes");
        }
        return -distance;
    }

    /** Orders positions as unsigned 64-bit numbers, like PostgreSQL does. */
    @Override
    public int compareTo(Lsn other) {
        return Long.compareUnsigned(value, other.value);
    }

    /** The later of two positions. */
    public static Lsn max(Lsn a, Lsn b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    public boolean isBefore(Lsn other) {
        return compareTo(other) < 0;
    }

    public boolean isAfter(Lsn other) {
        return compareTo(other) > 0;
    }

    /** The {@code pg_lsn} text form, e.g. {@code 16/B374D848} or {@code 0/16B3748}; {@link #parse} reads it back. */
    @Override
    public String toString() {
        return hex(value >>> 32) + "/" + hex(value & 0xFFFF_FFFFL);
    }

    private static String hex(long half) {
        return Long.toHexString(half).toUpperCase(Locale.ROOT);
    }
}
