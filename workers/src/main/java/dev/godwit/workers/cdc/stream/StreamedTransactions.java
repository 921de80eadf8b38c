package dev.godwit.workers.cdc.stream;

import dev.godwit.workers.cdc.pgoutput.PgOutputDecoder;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.StreamAbort;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.StreamCommit;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.StreamStart;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.StreamStop;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Streamed;
import dev.godwit.workers.pg.Lsn;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the in-progress transactions that pgoutput streams (protocol version 2, {@code streaming 'on'}) into ordinary
 * ones, as PostgreSQL's own subscriber does before version 16: the changes of each stream block go to a spill file of
 * that transaction ({@link SpoolFile}); a Stream Abort deletes the file or cuts a subtransaction off it; at Stream
 * Commit the consumer is handed a {@link PgOutputMessage.Begin}, the spooled messages read back one at a time, and a
 * {@link PgOutputMessage.Commit}, exactly as protocol version 1 sends a transaction after its commit. Transactions
 * commit in WAL order and Stream Commit comes in that order, so the consumer sees every transaction in commit order,
 * each once, and memory never holds more than one message of a spooled transaction.
 *
 * <p>The files live in a directory of their own, made fresh for each stream and removed on {@link #close()}. Nothing
 * left by an earlier run is read: after a restart the walsender sends every transaction that commits after the
 * confirmed position again, an in-progress one from its first change.
 *
 * <p>Owned by the reader thread; not thread-safe.
 */
final class StreamedTransactions implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamedTransactions.class);

    /** Where a handed-over event goes; false when the stream is stopping and nothing more should be handed. */
    @FunctionalInterface
    interface Sink {
        boolean hand(StreamEvent event) throws SQLException;
    }

    private final Path directory;
    private final Map<Long, SpoolFile> open = new HashMap<>();
    /** Stateless (protocol version 1): the spooled bytes are in that form. */
    private final PgOutputDecoder replayDecoder = new PgOutputDecoder(1);
    private final ByteBuffer writeBuffer = ByteBuffer.allocate(SpoolFile.BUFFER_BYTES);
    private SpoolFile current;
    private long spilledBytes;

    private StreamedTransactions(Path directory) {
        this.directory = directory;
    }

    /** Makes a fresh private directory for the spill files under {@code parent}. */
    static StreamedTransactions create(Path parent, String slotName) throws IOException {
        Files.createDirectories(parent);
        Path directory = Files.createTempDirectory(parent, "godwit-stream-" + slotName + "-");
        return new StreamedTransactions(directory);
    }

    /**
     * Takes a stream message: spools it, or at a Stream Commit hands the whole transaction to {@code sink}.
     *
     * @param payload the message as received (position and limit untouched), needed to spool a {@link Streamed} one
     * @return false if the message is not a stream message (the caller hands it on as it is); true if it was taken
     * @throws StopRequested if {@code sink} refused an event because the stream is stopping
     */
    boolean take(Lsn position, ByteBuffer payload, PgOutputMessage message, Sink sink)
            throws IOException, SQLException {
        if (message instanceof Streamed streamed) {
            if (current == null) {
                throw new IllegalStateException("a streamed change of xid " + streamed.topLevelXid()
                        + " outside a stream block");
            }
            current.append(streamed.xid(), position, withoutXid(payload));
        } else if (message instanceof StreamStart start) {
            current = open.computeIfAbsent(start.xid(),
                    xid -> new SpoolFile(directory.resolve(Long.toUnsignedString(xid) + ".spool"), xid));
            current.open(writeBuffer);
        } else if (message instanceof StreamStop) {
            if (current != null) {
                current.close();
                current = null;
            }
        } else if (message instanceof StreamAbort abort) {
            abort(abort);
        } else if (message instanceof StreamCommit commit) {
            replay(position, commit, sink);
        } else {
            return false;
        }
        return true;
    }

    private void abort(StreamAbort abort) throws IOException {
        SpoolFile file = open.get(abort.xid());
        if (file == null) {
            return; // nothing of it was streamed to this stream (it started before a restart that skipped it)
        }
        if (abort.abortsWholeTransaction()) {
            open.remove(abort.xid());
            file.delete();
        } else {
            file.abortSubtransaction(abort.subXid(), writeBuffer);
        }
    }

    private void replay(Lsn position, StreamCommit commit, Sink sink) throws IOException, SQLException {
        SpoolFile file = open.remove(commit.xid());
        if (!sink.hand(new StreamEvent(position, new PgOutputMessage.Begin(commit.commitLsn(), commit.commitTime(),
                commit.xid())))) {
            throw new StopRequested();
        }
        if (file != null) {
            spilledBytes += file.length();
            try (SpoolFile.Reader reader = file.read()) {
                while (reader.hasNext()) {
                    SpoolFile.Record record = reader.next();
                    PgOutputMessage decoded = replayDecoder.decode(ByteBuffer.wrap(record.message()),
                            record.position());
                    if (!sink.hand(new StreamEvent(record.position(), decoded))) {
                        throw new StopRequested();
                    }
                }
            } finally {
                file.delete();
            }
        }
        if (!sink.hand(new StreamEvent(position, new PgOutputMessage.Commit(commit.flags(), commit.commitLsn(),
                commit.endLsn(), commit.commitTime())))) {
            throw new StopRequested();
        }
    }

    /** The bytes of a streamed message in protocol version 1 form: its type byte and body, without the xid. */
    static byte[] withoutXid(ByteBuffer payload) {
        int start = payload.position();
        int length = payload.limit() - start;
        if (length < 1 + Integer.BYTES) {
            throw new IllegalArgumentException("a streamed message of " + length + " bytes has no xid");
        }
        byte[] v1 = new byte[length - Integer.BYTES];
        v1[0] = payload.get(start);
        payload.get(start + 1 + Integer.BYTES, v1, 1, v1.length - 1);
        return v1;
    }

    /** How many in-progress transactions have a spill file now. */
    int inProgress() {
        return open.size();
    }

    /** Bytes of spill files read back at their commits so far. */
    long spilledBytes() {
        return spilledBytes;
    }

    Path directory() {
        return directory;
    }

    /** Deletes every spill file and the directory. */
    @Override
    public void close() {
        for (SpoolFile file : open.values()) {
            try {
                file.delete();
            } catch (IOException e) {
                LOG.debug("spill file of a streamed transaction: {}", e.getMessage());
            }
        }
        open.clear();
        current = null;
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(directory);
        } catch (IOException e) {
            LOG.warn("could not remove the spill directory {} of streamed transactions: {}", directory,
                    e.getMessage());
        }
    }

    /** The consumer side is going away while a transaction was being handed over; the reader stops. */
    static final class StopRequested extends RuntimeException {
        StopRequested() {
            super(null, null, false, false);
        }
    }
}
