package dev.godwit.workers.cdc.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.godwit.workers.cdc.pgoutput.ColumnValue;
import dev.godwit.workers.cdc.pgoutput.PgOutputDecoder;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Begin;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Commit;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Insert;
import dev.godwit.workers.pg.Lsn;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spool driven by pgoutput protocol 2 bytes as the walsender sends them, without a server. */
class StreamedTransactionsTest {
    /** 2000-01-01 UTC plus one second, in the wire's microseconds. */
    private static final long COMMIT_MICROS = 1_000_000;
    private static final Instant COMMIT_TIME = Instant.parse("2000-01-01T00:00:01Z");

    @TempDir
    Path dir;

    private final PgOutputDecoder decoder = new PgOutputDecoder(2);
    private final List<StreamEvent> consumed = new ArrayList<>();
    private long position = 0x1000;

    @Test
    void aStreamedTransactionReachesTheConsumerAtItsCommitAsBeginChangesCommitInCommitOrder() throws Exception {
        try (StreamedTransactions spool = StreamedTransactions.create(dir, "slot")) {
            feed(spool, streamStart(10, true), insert(10, "a1"), streamStop());
            feed(spool, streamStart(20, true), insert(20, "b1"), streamStop());
            feed(spool, begin(0x5000, 30), insertPlain("c1"), commit(0x5000, 0x5010));
            feed(spool, streamStart(10, false), insert(11, "a2 in a subtransaction"), streamStop());
            feed(spool, streamCommit(20, 0x6000, 0x6010));
            feed(spool, streamCommit(10, 0x7000, 0x7010));

            assertEquals(List.of("B30", "I:c1", "C0/5010", "B20", "I:b1", "C0/6010", "B10", "I:a1",
                    "I:a2 in a subtransaction", "C0/7010"), summary());
            Begin begin = (Begin) consumed.get(6).message();
            Commit commit = (Commit) consumed.get(9).message();
            assertEquals(new Begin(Lsn.parse("0/7000"), COMMIT_TIME, 10), begin);
            assertEquals(new Commit(0, Lsn.parse("0/7000"), Lsn.parse("0/7010"), COMMIT_TIME), commit);
            assertEquals(0, spool.inProgress());
            assertEquals(List.of(), files(spool.directory()), "a file is deleted once its transaction is handed");
        }
    }

    @Test
    void anAbortedTransactionAndARolledBackSubtransactionNeverReachTheConsumer() throws Exception {
        try (StreamedTransactions spool = StreamedTransactions.create(dir, "slot")) {
            feed(spool, streamStart(10, true), insert(10, "aborted"), streamStop());
            feed(spool, streamStart(20, true), insert(20, "kept"), insert(21, "rolled back"),
                    insert(22, "child of the rolled back"), streamStop());
            feed(spool, streamAbort(10, 10));
            feed(spool, streamAbort(20, 22), streamAbort(20, 21));
            feed(spool, streamStart(20, false), insert(23, "after the rollback"), streamStop());
            assertEquals(1, spool.inProgress());
            feed(spool, streamCommit(20, 0x7000, 0x7010));
            assertEquals(List.of("B20", "I:kept", "I:after the rollback", "C0/7010"), summary());
        }
    }

    @Test
    void closeRemovesTheDirectoryWithTheFilesOfTransactionsStillInProgress() throws Exception {
        StreamedTransactions spool = StreamedTransactions.create(dir, "slot");
        feed(spool, streamStart(10, true), insert(10, "in progress"), streamStop());
        feed(spool, streamStart(20, true), insert(20, "in progress, block open"));
        assertEquals(2, files(spool.directory()).size());
        spool.close();
        assertFalse(Files.exists(spool.directory()));
    }

    @Test
    void aStopWhileHandingOverEndsTheReplay() throws Exception {
        try (StreamedTransactions spool = StreamedTransactions.create(dir, "slot")) {
            feed(spool, streamStart(10, true), insert(10, "a"), streamStop());
            byte[] commit = streamCommit(10, 0x7000, 0x7010);
            PgOutputMessage message = decoder.decode(ByteBuffer.wrap(commit), new Lsn(position));
            assertThrows(StreamedTransactions.StopRequested.class,
                    () -> spool.take(new Lsn(position), ByteBuffer.wrap(commit), message, event -> false));
        }
    }

    @Test
    void messagesOfOrdinaryTransactionsAreNotTaken() throws Exception {
        try (StreamedTransactions spool = StreamedTransactions.create(dir, "slot")) {
            byte[] begin = begin(0x5000, 30);
            assertFalse(spool.take(new Lsn(1), ByteBuffer.wrap(begin),
                    decoder.decode(ByteBuffer.wrap(begin), new Lsn(1)), consumed::add));
            byte[] start = streamStart(10, true);
            assertTrue(spool.take(new Lsn(2), ByteBuffer.wrap(start),
                    decoder.decode(ByteBuffer.wrap(start), new Lsn(2)), consumed::add));
        }
    }

    private void feed(StreamedTransactions spool, byte[]... messages) throws Exception {
        for (byte[] bytes : messages) {
            position += 0x10;
            Lsn at = new Lsn(position);
            // a direct buffer at an offset, as PgJDBC hands them: only position to limit is the message
            ByteBuffer payload = ByteBuffer.allocate(bytes.length + 7).position(7);
            payload.put(bytes).position(7);
            PgOutputMessage message = decoder.decode(payload, at);
            if (!spool.take(at, payload, message, consumed::add)) {
                consumed.add(new StreamEvent(at, message));
            }
        }
    }

    private List<String> summary() {
        return consumed.stream().map(StreamEvent::message).map(m -> {
            if (m instanceof Begin b) {
                return "B" + b.xid();
            } else if (m instanceof Commit c) {
                return "C" + c.endLsn();
            } else if (m instanceof Insert i) {
                return "I:" + ((ColumnValue.Text) i.newTuple().get(0)).value();
            }
            return m.getClass().getSimpleName();
        }).toList();
    }

    private static List<Path> files(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.toList();
        }
    }

    private interface Body {
        void write(DataOutputStream out) throws IOException;
    }

    private static byte[] bytes(char tag, Body body) {
        try {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(buffer);
            out.writeByte(tag);
            body.write(out);
            return buffer.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] streamStart(long xid, boolean first) {
        return bytes('S', out -> {
            out.writeInt((int) xid);
            out.writeByte(first ? 1 : 0);
        });
    }

    private static byte[] streamStop() {
        return bytes('E', out -> { });
    }

    private static byte[] streamAbort(long xid, long subXid) {
        return bytes('A', out -> {
            out.writeInt((int) xid);
            out.writeInt((int) subXid);
        });
    }

    private static byte[] streamCommit(long xid, long commitLsn, long endLsn) {
        return bytes('c', out -> {
            out.writeInt((int) xid);
            out.writeByte(0);
            out.writeLong(commitLsn);
            out.writeLong(endLsn);
            out.writeLong(COMMIT_MICROS);
        });
    }

    private static byte[] begin(long finalLsn, long xid) {
        return bytes('B', out -> {
            out.writeLong(finalLsn);
            out.writeLong(COMMIT_MICROS);
            out.writeInt((int) xid);
        });
    }

    private static byte[] commit(long commitLsn, long endLsn) {
        return bytes('C', out -> {
            out.writeByte(0);
            out.writeLong(commitLsn);
            out.writeLong(endLsn);
            out.writeLong(COMMIT_MICROS);
        });
    }

    /** An Insert of a one-column text row inside a stream block: it carries the (sub)transaction's xid. */
    private static byte[] insert(long xid, String value) {
        return bytes('I', out -> {
            out.writeInt((int) xid);
            tuple(out, value);
        });
    }

    private static byte[] insertPlain(String value) {
        return bytes('I', out -> tuple(out, value));
    }

    private static void tuple(DataOutputStream out, String value) throws IOException {
        byte[] text = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(16384);
        out.writeByte('N');
        out.writeShort(1);
        out.writeByte('t');
        out.writeInt(text.length);
        out.write(text);
    }
}
