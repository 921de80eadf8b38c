package dev.godwit.workers.cdc.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.godwit.workers.pg.Lsn;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The offset and truncation bookkeeping of one in-progress transaction's spill file. */
class SpoolFileTest {
    private static final long TOP = 700;

    @TempDir
    Path dir;

    private final ByteBuffer buffer = ByteBuffer.allocate(SpoolFile.BUFFER_BYTES);

    @Test
    void readsBackEveryRecordInOrderWithItsPosition() throws IOException {
        SpoolFile file = new SpoolFile(dir.resolve("t.spool"), TOP);
        file.open(buffer);
        for (int i = 0; i < 10_000; i++) {
            file.append(TOP, new Lsn(1_000 + i), change("row " + i));
        }
        file.close();
        List<String> read = readAll(file);
        assertEquals(10_000, read.size());
        assertEquals("I:row 0@1000", read.get(0));
        assertEquals("I:row 9999@10999", read.get(9_999));
        assertEquals(Files.size(dir.resolve("t.spool")), file.length());
    }

    @Test
    void aRecordLargerThanTheWriteBufferIsWrittenWhole() throws IOException {
        SpoolFile file = new SpoolFile(dir.resolve("t.spool"), TOP);
        String big = "x".repeat(3 * SpoolFile.BUFFER_BYTES + 17);
        file.open(buffer);
        file.append(TOP, new Lsn(1), change("a"));
        file.append(TOP, new Lsn(2), change(big));
        file.append(TOP, new Lsn(3), change("b"));
        file.close();
        assertEquals(List.of("I:a@1", "I:" + big + "@2", "I:b@3"), readAll(file));
    }

    @Test
    void appendsAcrossStreamBlocks() throws IOException {
        SpoolFile file = new SpoolFile(dir.resolve("t.spool"), TOP);
        file.open(buffer);
        file.append(TOP, new Lsn(1), change("first block"));
        file.close();
        file.open(buffer);
        file.append(TOP, new Lsn(2), change("second block"));
        file.close();
        assertEquals(List.of("I:first block@1", "I:second block@2"), readAll(file));
    }

    @Test
    void anAbortedSubtransactionIsCutOffAndThoseFirstSeenAfterItWithIt() throws IOException {
        SpoolFile file = new SpoolFile(dir.resolve("t.spool"), TOP);
        file.open(buffer);
        file.append(TOP, new Lsn(1), change("top"));
        file.append(701, new Lsn(2), change("released savepoint"));
        file.append(702, new Lsn(3), change("rolled back"));
        file.append(703, new Lsn(4), change("child of the rolled back one"));
        file.append(702, new Lsn(5), change("rolled back too"));
        file.close();
        assertEquals(List.of(701L, 702L, 703L), file.subtransactions());

        file.abortSubtransaction(703, buffer);
        file.abortSubtransaction(702, buffer);

        assertEquals(List.of("I:top@1", "I:released savepoint@2"), readAll(file));
        assertEquals(List.of(701L), file.subtransactions());
        assertEquals(2, file.records());
        assertEquals(Files.size(dir.resolve("t.spool")), file.length());
        file.open(buffer);
        file.append(TOP, new Lsn(6), change("after the rollback"));
        file.close();
        assertEquals(List.of("I:top@1", "I:released savepoint@2", "I:after the rollback@6"), readAll(file));
    }

    @Test
    void aSubtransactionWithoutChangesAbortsWithoutCuttingAnything() throws IOException {
        SpoolFile file = new SpoolFile(dir.resolve("t.spool"), TOP);
        file.open(buffer);
        file.append(TOP, new Lsn(1), change("top"));
        file.append(701, new Lsn(2), change("sub"));
        file.close();
        file.abortSubtransaction(999, buffer);
        assertEquals(List.of("I:top@1", "I:sub@2"), readAll(file));
    }

    @Test
    void theTopLevelTransactionIsNoSubtransaction() throws IOException {
        SpoolFile file = new SpoolFile(dir.resolve("t.spool"), TOP);
        file.open(buffer);
        file.append(TOP, new Lsn(1), change("top"));
        file.close();
        file.abortSubtransaction(TOP, buffer);
        assertEquals(List.of(), file.subtransactions());
        assertEquals(List.of("I:top@1"), readAll(file));
    }

    @Test
    void relationAndTypeMessagesOfACutOffSubtransactionAreKept() throws IOException {
        SpoolFile file = new SpoolFile(dir.resolve("t.spool"), TOP);
        file.open(buffer);
        file.append(TOP, new Lsn(1), change("top"));
        file.append(701, new Lsn(2), message('Y', "type"));
        file.append(701, new Lsn(3), message('R', "relation"));
        file.append(701, new Lsn(4), change("rolled back"));
        file.close();
        file.abortSubtransaction(701, buffer);
        assertEquals(List.of("I:top@1", "Y:type@2", "R:relation@3"), readAll(file));
        assertEquals(List.of(), file.subtransactions(), "the kept messages belong to the top-level transaction now");
    }

    @Test
    void deleteRemovesTheFile() throws IOException {
        SpoolFile file = new SpoolFile(dir.resolve("t.spool"), TOP);
        file.open(buffer);
        file.append(TOP, new Lsn(1), change("top"));
        file.delete();
        assertFalse(Files.exists(dir.resolve("t.spool")));
    }

    private static byte[] change(String text) {
        return message('I', text);
    }

    private static byte[] message(char tag, String text) {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[body.length + 1];
        bytes[0] = (byte) tag;
        System.arraycopy(body, 0, bytes, 1, body.length);
        return bytes;
    }

    private static List<String> readAll(SpoolFile file) throws IOException {
        List<String> out = new ArrayList<>();
        try (SpoolFile.Reader reader = file.read()) {
            while (reader.hasNext()) {
                SpoolFile.Record r = reader.next();
                out.add((char) r.message()[0] + ":" + new String(r.message(), 1, r.message().length - 1,
                        StandardCharsets.UTF_8) + "@" + r.position().value());
            }
        }
        return out;
    }
}
