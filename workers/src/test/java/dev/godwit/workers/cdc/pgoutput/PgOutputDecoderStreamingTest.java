package dev.godwit.workers.cdc.pgoutput;

import static dev.godwit.workers.cdc.pgoutput.MessageBytes.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.godwit.workers.cdc.pgoutput.ColumnValue.Text;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Begin;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Delete;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Insert;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.LogicalMessage;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Origin;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Relation;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.StreamAbort;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.StreamCommit;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.StreamStart;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.StreamStop;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Streamed;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Truncate;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Type;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Update;
import dev.godwit.workers.pg.Lsn;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Protocol version 2: stream blocks of in-progress transactions, and the xid their messages carry. */
class PgOutputDecoderStreamingTest {

    private static final Lsn AT = Lsn.parse("0/3000060");
    private static final Instant COMMIT_TIME = Instant.parse("2024-05-17T09:30:15.123456Z");
    private static final long TOP_XID = 750;
    private static final long SUB_XID = 751;

    private final PgOutputDecoder decoder = new PgOutputDecoder(2);

    private PgOutputMessage decode(MessageBytes bytes) {
        return decoder.decode(bytes.buffer(), AT);
    }

    private void openBlock(long xid) {
        decode(message('S').int32(xid).int8(1));
    }

    @Test
    void decodesStreamStartForTheFirstAndALaterSegment() {
        assertEquals(new StreamStart(TOP_XID, true), decode(message('S').int32(TOP_XID).int8(1)));
        decode(message('E'));
        assertEquals(new StreamStart(TOP_XID, false), decode(message('S').int32(TOP_XID).int8(0)));
    }

    @Test
    void tracksTheOpenStreamBlockBetweenStreamStartAndStreamStop() {
        assertEquals(OptionalLong.empty(), decoder.openStreamXid());
        openBlock(TOP_XID);
        assertEquals(OptionalLong.of(TOP_XID), decoder.openStreamXid());
        assertEquals(new StreamStop(), decode(message('E')));
        assertEquals(OptionalLong.empty(), decoder.openStreamXid());
    }

    @Test
    void wrapsAnInsertInsideAStreamBlockWithItsXid() {
        openBlock(TOP_XID);
        PgOutputMessage decoded = decode(message('I').int32(TOP_XID).int32(16385).int8('N').columns(1).text("1"));
        assertEquals(new Streamed(TOP_XID, TOP_XID, new Insert(16385, TupleData.of(new Text("1")))), decoded);
        assertFalse(decoded instanceof Insert, "a streamed change must not look like a committed one");
    }

    @Test
    void keepsTheSubtransactionXidApartFromTheTopLevelXid() {
        openBlock(TOP_XID);
        Streamed streamed = (Streamed) decode(message('D').int32(SUB_XID).int32(16385)
                .int8('K').columns(1).text("9"));
        assertEquals(TOP_XID, streamed.topLevelXid());
        assertEquals(SUB_XID, streamed.xid());
        assertInstanceOf(Delete.class, streamed.message());
    }

    @Test
    void wrapsEveryStreamableMessageTypeInsideAStreamBlock() {
        openBlock(TOP_XID);
        List<PgOutputMessage> decoded = List.of(
                decode(message('R').int32(TOP_XID).int32(16385).cstring("public").cstring("t").int8('f')
                        .int16(1).int8(1).cstring("id").int32(23).int32(-1)),
                decode(message('Y').int32(TOP_XID).int32(16401).cstring("public").cstring("mood")),
                decode(message('U').int32(SUB_XID).int32(16385).int8('O').columns(1).text("1")
                        .int8('N').columns(1).text("2")),
                decode(message('T').int32(TOP_XID).int32(1).int8(3).int32(16385)),
                decode(message('M').int32(TOP_XID).int8(1).int64(0x3000070L).cstring("p").int32(0)));

        assertEquals(new Streamed(TOP_XID, TOP_XID, new Relation(16385, "public", "t", ReplicaIdentity.FULL,
                List.of(new RelationColumn(1, "id", 23, -1)))), decoded.get(0));
        assertEquals(new Streamed(TOP_XID, TOP_XID, new Type(16401, "public", "mood")), decoded.get(1));
        assertEquals(new Streamed(TOP_XID, SUB_XID, new Update(16385,
                Optional.of(new OldTuple(OldTuple.Kind.OLD_ROW, TupleData.of(new Text("1")))),
                TupleData.of(new Text("2")))), decoded.get(2));
        assertEquals(new Streamed(TOP_XID, TOP_XID, new Truncate(List.of(16385L), true, true)), decoded.get(3));
        assertEquals(new Streamed(TOP_XID, TOP_XID, new LogicalMessage(true, Lsn.parse("0/3000070"), "p",
                new byte[0])), decoded.get(4));
    }

    @Test
    void decodesOriginInsideAStreamBlockWithoutAnXid() {
        openBlock(TOP_XID);
        assertEquals(new Origin(Lsn.parse("0/10"), "node_a"), decode(message('O').int64(0x10).cstring("node_a")));
    }

    @Test
    void decodesMessagesBetweenStreamBlocksWithoutAnXid() {
        openBlock(TOP_XID);
        decode(message('E'));
        // an ordinary transaction committed while the streamed one is still open
        assertInstanceOf(Begin.class, decode(message('B').int64(0x3000100L).timestamp(COMMIT_TIME).int32(760)));
        assertEquals(new Insert(16385, TupleData.of(new Text("x"))),
                decode(message('I').int32(16385).int8('N').columns(1).text("x")));
    }

    @Test
    void decodesStreamCommit() {
        StreamCommit commit = (StreamCommit) decode(message('c').int32(TOP_XID).int8(0)
                .int64(0x3000200L).int64(0x3000230L).timestamp(COMMIT_TIME));
        assertEquals(new StreamCommit(TOP_XID, 0, Lsn.parse("0/3000200"), Lsn.parse("0/3000230"), COMMIT_TIME),
                commit);
    }

    @Test
    void decodesStreamAbortOfTheWholeTransactionAndOfOneSubtransaction() {
        StreamAbort whole = (StreamAbort) decode(message('A').int32(TOP_XID).int32(TOP_XID));
        assertEquals(new StreamAbort(TOP_XID, TOP_XID), whole);
        assertTrue(whole.abortsWholeTransaction());
        StreamAbort sub = (StreamAbort) decode(message('A').int32(TOP_XID).int32(SUB_XID));
        assertEquals(SUB_XID, sub.subXid());
        assertFalse(sub.abortsWholeTransaction());
    }

    @Test
    void decodesVersion1MessagesOutsideStreamBlocksExactlyAsVersion1Does() {
        MessageBytes update = message('U').int32(16385).int8('K').columns(1).text("1").int8('N').columns(1).text("2");
        assertEquals(new PgOutputDecoder(1).decode(update.buffer(), AT), decode(update));
    }

    @Test
    void rejectsAStreamStartWhileABlockIsOpen() {
        openBlock(TOP_XID);
        PgOutputDecodingException e = assertThrows(PgOutputDecodingException.class,
                () -> decode(message('S').int32(800).int8(1)));
        assertTrue(e.getMessage().contains("xid 750 is still open"), e.getMessage());
    }

    @Test
    void rejectsAStreamStopOutsideABlock() {
        PgOutputDecodingException e = assertThrows(PgOutputDecodingException.class, () -> decode(message('E')));
        assertTrue(e.getMessage().contains("Stream Stop outside a stream block"), e.getMessage());
    }

    @Test
    void rejectsTransactionBoundariesInsideABlock() {
        openBlock(TOP_XID);
        assertThrows(PgOutputDecodingException.class,
                () -> decode(message('B').int64(1).timestamp(COMMIT_TIME).int32(1)));
        assertThrows(PgOutputDecodingException.class,
                () -> decode(message('C').int8(0).int64(1).int64(2).timestamp(COMMIT_TIME)));
        PgOutputDecodingException e = assertThrows(PgOutputDecodingException.class,
                () -> decode(message('c').int32(TOP_XID).int8(0).int64(1).int64(2).timestamp(COMMIT_TIME)));
        assertTrue(e.getMessage().contains("Stream Commit"), e.getMessage());
        assertTrue(e.getMessage().contains("inside the open stream block of xid 750"), e.getMessage());
        assertThrows(PgOutputDecodingException.class, () -> decode(message('A').int32(TOP_XID).int32(TOP_XID)));
    }

    @Test
    void aStreamStartThatFailsToDecodeLeavesNoBlockOpen() {
        assertThrows(PgOutputDecodingException.class, () -> decoder.decode(
                message('S').int32(TOP_XID).int8(1).truncatedTo(5), AT));
        assertEquals(OptionalLong.empty(), decoder.openStreamXid());
        assertEquals(new Insert(1, TupleData.of()), decode(message('I').int32(1).int8('N').columns(0)));
    }

    @Test
    void rejectsStreamMessagesUnderProtocolVersion1() {
        PgOutputDecoder v1 = new PgOutputDecoder(1);
        for (MessageBytes streamMessage : List.of(message('S').int32(1).int8(1), message('E'),
                message('c').int32(1).int8(0).int64(1).int64(2).int64(3), message('A').int32(1).int32(1))) {
            PgOutputDecodingException e = assertThrows(PgOutputDecodingException.class,
                    () -> v1.decode(streamMessage.buffer(), AT));
            assertTrue(e.getMessage().contains("need proto_version 2"), e.getMessage());
        }
    }
}
