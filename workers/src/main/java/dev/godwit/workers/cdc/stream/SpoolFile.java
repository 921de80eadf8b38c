package dev.godwit.workers.cdc.stream;

import dev.godwit.workers.pg.Lsn;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The changes received so far of one in-progress (streamed) source transaction, in a file of their own: each
 * record is the message's WAL position and its bytes in protocol version 1 form (type byte, then body: the xid that a
 * stream block puts after the type byte is left out), so a stateless version 1 decoder reads them back.
 *
 * <p><b>Subtransactions.</b> The offset of the first record of each subtransaction is kept, in the order they first
 * appear. When a subtransaction aborts, the file is cut back to that offset and the subtransactions first seen after
 * it are forgotten: every change after a subtransaction's first change, until its abort, belongs to it or to its own
 * subtransactions, since its parent cannot write while it is open. This is what PostgreSQL's apply worker does
 * ({@code subxact_info_add}, {@code stream_cleanup_files} in {@code worker.c}). Relation and Type messages in the cut
 * part are kept, appended again: pgoutput sends a relation once per streamed top-level transaction, with the xid of
 * the subtransaction that first touched it, and would not send it again for the changes after the rollback.
 *
 * <p>Only one file is open at a time (the stream block being received): {@link #open} at Stream Start,
 * {@link #close} at Stream Stop. Writes go through one buffer of {@link #BUFFER_BYTES}; reading back holds one
 * record at a time. Owned by the reader thread; not thread-safe.
 */
final class SpoolFile {
    static final int BUFFER_BYTES = 64 * 1024;
    private static final int RECORD_HEADER = Integer.BYTES + Long.BYTES;

    private final Path path;
    private final long topLevelXid;
    /** Subtransactions in the order their first change arrived. */
    private final List<Subtransaction> subtransactions = new ArrayList<>();
    private FileChannel channel;
    private ByteBuffer buffer;
    private long length;
    private long records;

    SpoolFile(Path path, long topLevelXid) {
        this.path = path;
        this.topLevelXid = topLevelXid;
    }

    /** Opens the file to append the next stream block (creating it at the first). */
    void open(ByteBuffer writeBuffer) throws IOException {
        if (channel != null) {
            throw new IllegalStateException("the spool of xid " + topLevelXid + " is open already");
        }
        channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        channel.position(length);
        buffer = writeBuffer.clear();
    }

    /**
     * Appends one message of the transaction.
     *
     * @param xid     the xid the message was sent with: the top-level one or a subtransaction's
     * @param message the message in protocol version 1 form
     */
    void append(long xid, Lsn position, byte[] message) throws IOException {
        if (channel == null) {
            throw new IllegalStateException("a change of xid " + topLevelXid + " outside its stream block");
        }
        if (xid != topLevelXid && indexOf(xid) < 0) {
            subtransactions.add(new Subtransaction(xid, length, records));
        }
        if (buffer.remaining() < RECORD_HEADER) {
            flush();
        }
        buffer.putInt(message.length).putLong(position.value());
        int written = 0;
        while (written < message.length) {
            if (!buffer.hasRemaining()) {
                flush();
            }
            int n = Math.min(buffer.remaining(), message.length - written);
            buffer.put(message, written, n);
            written += n;
        }
        length += RECORD_HEADER + message.length;
        records++;
    }

    /** Ends the stream block: everything appended is written to the file, which is closed. */
    void close() throws IOException {
        if (channel == null) {
            return;
        }
        try {
            flush();
        } finally {
            channel.close();
            channel = null;
            buffer = null;
        }
    }

    /**
     * A subtransaction aborted: its changes, and those of subtransactions first seen after it, are cut off (Relation
     * and Type messages excepted, see the class comment). Nothing happens for a subtransaction with no change here.
     * Called between stream blocks, when the file is closed.
     */
    void abortSubtransaction(long subXid, ByteBuffer writeBuffer) throws IOException {
        int index = indexOf(subXid);
        if (index < 0) {
            return;
        }
        Subtransaction aborted = subtransactions.get(index);
        long cut = aborted.offset();
        // only the part cut off is read: a transaction rolling back many savepoints reads each change once at most
        List<Record> kept = new ArrayList<>();
        try (Reader reader = new Reader(path, cut, length)) {
            while (reader.hasNext()) {
                Record record = reader.next();
                if (record.isSchema()) {
                    kept.add(record);
                }
            }
        }
        subtransactions.subList(index, subtransactions.size()).clear();
        try (FileChannel truncating = FileChannel.open(path, StandardOpenOption.WRITE)) {
            truncating.truncate(cut);
        }
        length = cut;
        records = aborted.recordsBefore();
        open(writeBuffer);
        try {
            for (Record record : kept) {
                append(topLevelXid, record.position(), record.message());
            }
        } finally {
            close();
        }
    }

    /** Reads the records back from the start, one at a time. Call after {@link #close}. */
    Reader read() throws IOException {
        if (channel != null) {
            throw new IllegalStateException("the spool of xid " + topLevelXid + " is still being written");
        }
        return new Reader(path, 0, length);
    }

    void delete() throws IOException {
        close();
        Files.deleteIfExists(path);
    }

    long length() {
        return length;
    }

    long records() {
        return records;
    }

    /** The subtransactions with changes in the file, in the order of their first change. */
    List<Long> subtransactions() {
        return subtransactions.stream().map(Subtransaction::xid).toList();
    }

    private int indexOf(long xid) {
        for (int i = subtransactions.size() - 1; i >= 0; i--) {
            if (subtransactions.get(i).xid() == xid) {
                return i;
            }
        }
        return -1;
    }

    private void flush() throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        buffer.clear();
    }

    /** A subtransaction's first change: at {@code offset} in the file, after {@code recordsBefore} records. */
    private record Subtransaction(long xid, long offset, long recordsBefore) {
    }

    /** One spooled message: where it was in the WAL, and its bytes in protocol version 1 form. */
    record Record(Lsn position, byte[] message) {
        boolean isSchema() {
            return message.length > 0 && (message[0] == 'R' || message[0] == 'Y');
        }
    }

    /** Sequential reader of a spool file's records. */
    static final class Reader implements AutoCloseable {
        private final DataInputStream in;
        private final long end;
        private final Path path;
        private long offset;

        /** Reads the records from {@code start} (a record's offset) to {@code end}. */
        private Reader(Path path, long start, long end) throws IOException {
            InputStream raw = Channels.newInputStream(FileChannel.open(path, StandardOpenOption.READ).position(start));
            this.in = new DataInputStream(new BufferedInputStream(raw, BUFFER_BYTES));
            this.end = end;
            this.path = path;
            this.offset = start;
        }

        boolean hasNext() {
            return offset < end;
        }

        Record next() throws IOException {
            if (!hasNext()) {
                throw new NoSuchElementException("end of spool file " + path);
            }
            try {
                int size = in.readInt();
                long position = in.readLong();
                byte[] message = new byte[size];
                in.readFully(message);
                offset += RECORD_HEADER + size;
                return new Record(new Lsn(position), message);
            } catch (EOFException e) {
                throw new IOException("spool file " + path + " ends at " + offset + ", before its recorded length "
                        + end + " (changed by someone else?)", e);
            }
        }

        @Override
        public void close() {
            try {
                in.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
