package dev.godwit.workers.cdc.stream;

import dev.godwit.workers.pg.Lsn;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How to start a {@link ChangeStream}.
 *
 * @param slotName        the logical replication slot (pgoutput); PostgreSQL allows only {@code [a-z0-9_]}, 1 to 63
 * @param publicationName the publication whose tables are streamed (any spelling; sent quoted)
 * @param startPosition   where to start; the server starts at max(this, the slot's confirmed_flush_lsn), so pass the
 *                        caller's checkpoint and filter by commit end LSN (see {@link ChangeStream})
 * @param protocolVersion pgoutput {@code proto_version}: 1, or 2 to have large in-progress transactions streamed
 *                        ({@code streaming 'on'}, PostgreSQL 14+; an older source streams with 1, and a warning)
 * @param messages        ask for logical decoding messages ({@code messages 'true'}); sent only to PostgreSQL 14+,
 *                        ignored (with a log line) on older servers, which have no such option
 * @param statusInterval  how often the reader tells the walsender its positions; must stay at or below a third of the
 *                        server's {@code wal_sender_timeout} (the stream lowers it to that when the server's is smaller)
 * @param queueCapacity   how many decoded messages may wait for the consumer; the reader blocks (still answering the
 *                        walsender) when they are all taken, so memory never grows with a transaction
 * @param acknowledgeIdle whether idle positions wait for the consumer's acknowledgement before they are reported
 * @param spillDirectory  under protocol version 2, where a directory of spill files for in-progress transactions is
 *                        made (fresh per stream, removed on close); it needs room for the largest in-progress source
 *                        transaction. Default: the JVM's {@code java.io.tmpdir}
 */
public record StreamOptions(String slotName, String publicationName, Lsn startPosition, int protocolVersion,
                            boolean messages, Duration statusInterval, int queueCapacity, boolean acknowledgeIdle,
                            Path spillDirectory) {

    public static final Duration DEFAULT_STATUS_INTERVAL = Duration.ofSeconds(10);
    public static final int DEFAULT_QUEUE_CAPACITY = 1024;

    private static final Pattern SLOT_NAME = Pattern.compile("[a-z0-9_]{1,63}");

    public StreamOptions {
        Objects.requireNonNull(slotName, "slotName");
        Objects.requireNonNull(publicationName, "publicationName");
        Objects.requireNonNull(startPosition, "startPosition (Lsn.INVALID to start at the slot's confirmed_flush_lsn)");
        Objects.requireNonNull(statusInterval, "statusInterval");
        Objects.requireNonNull(spillDirectory, "spillDirectory");
        if (!SLOT_NAME.matcher(slotName).matches()) {
            throw new IllegalArgumentException("invalid replication slot name \"" + slotName
                    + "\": PostgreSQL allows only lower-case letters, digits and underscores, at most 63");
        }
        if (publicationName.isEmpty() || publicationName.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("invalid publication name \"" + publicationName + "\"");
        }
        if (protocolVersion < 1 || protocolVersion > 2) {
            throw new IllegalArgumentException("pgoutput proto_version " + protocolVersion
                    + " is not supported: use 1, or 2 for streamed in-progress transactions");
        }
        if (statusInterval.isNegative() || statusInterval.isZero() || statusInterval.toMillis() < 1) {
            throw new IllegalArgumentException("statusInterval must be at least 1 ms, got " + statusInterval);
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queueCapacity must be at least 1, got " + queueCapacity);
        }
    }

    /** As the canonical constructor, spilling to the JVM's temporary directory. */
    public StreamOptions(String slotName, String publicationName, Lsn startPosition, int protocolVersion,
                         boolean messages, Duration statusInterval, int queueCapacity, boolean acknowledgeIdle) {
        this(slotName, publicationName, startPosition, protocolVersion, messages, statusInterval, queueCapacity,
                acknowledgeIdle, Path.of(System.getProperty("java.io.tmpdir")));
    }

    /** Protocol version 1, no messages, a status update every 10 s, 1024 queued messages. */
    public static StreamOptions of(String slotName, String publicationName, Lsn startPosition) {
        return new StreamOptions(slotName, publicationName, startPosition, 1, false, DEFAULT_STATUS_INTERVAL,
                DEFAULT_QUEUE_CAPACITY, false);
    }

    public StreamOptions withProtocolVersion(int version) {
        return new StreamOptions(slotName, publicationName, startPosition, version, messages, statusInterval,
                queueCapacity, acknowledgeIdle, spillDirectory);
    }

    public StreamOptions withMessages(boolean on) {
        return new StreamOptions(slotName, publicationName, startPosition, protocolVersion, on, statusInterval,
                queueCapacity, acknowledgeIdle, spillDirectory);
    }

    public StreamOptions withStatusInterval(Duration interval) {
        return new StreamOptions(slotName, publicationName, startPosition, protocolVersion, messages, interval,
                queueCapacity, acknowledgeIdle, spillDirectory);
    }

    public StreamOptions withQueueCapacity(int capacity) {
        return new StreamOptions(slotName, publicationName, startPosition, protocolVersion, messages, statusInterval,
                capacity, acknowledgeIdle, spillDirectory);
    }

    /**
     * Idle positions are reported to the server only after the consumer acknowledged them
     * ({@link ChangeStream#idlePosition()}, {@link ChangeStream#acknowledgeIdle}), so a consumer that records its
     * position durably can record an idle position before the slot moves to it.
     */
    public StreamOptions withIdleAcknowledgement(boolean on) {
        return new StreamOptions(slotName, publicationName, startPosition, protocolVersion, messages, statusInterval,
                queueCapacity, on, spillDirectory);
    }

    /** Where the spill files of in-progress transactions go (protocol version 2). */
    public StreamOptions withSpillDirectory(Path directory) {
        return new StreamOptions(slotName, publicationName, startPosition, protocolVersion, messages, statusInterval,
                queueCapacity, acknowledgeIdle, directory);
    }
}
