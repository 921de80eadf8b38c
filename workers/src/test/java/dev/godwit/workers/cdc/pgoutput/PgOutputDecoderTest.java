package dev.godwit.workers.cdc.pgoutput;

import static dev.godwit.workers.cdc.pgoutput.MessageBytes.message;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.godwit.workers.cdc.pgoutput.ColumnValue.Binary;
import dev.godwit.workers.cdc.pgoutput.ColumnValue.Null;
import dev.godwit.workers.cdc.pgoutput.ColumnValue.Text;
import dev.godwit.workers.cdc.pgoutput.ColumnValue.UnchangedToast;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Begin;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Commit;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Delete;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Insert;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.LogicalMessage;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Origin;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Relation;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Truncate;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Type;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Update;
import dev.godwit.workers.pg.Lsn;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Protocol version 1 messages, i.e. everything outside stream blocks. */
class PgOutputDecoderTest {

    private static final Lsn AT = Lsn.parse("16/B374D848");
    private static final Instant COMMIT_TIME = Instant.parse("2024-05-17T09:30:15.123456Z");

    private final PgOutputDecoder decoder = new PgOutputDecoder(1);

    private PgOutputMessage decode(MessageBytes bytes) {
        return decoder.decode(bytes.buffer(), AT);
    }

    @Test
    void decodesBeginWithFinalLsnMicrosecondCommitTimeAndXid() {
        Begin begin = (Begin) decode(message('B').int64(0x16_B374_D900L).timestamp(COMMIT_TIME).int32(745));
        assertEquals(new Begin(Lsn.parse("16/B374D900"), COMMIT_TIME, 745), begin);
    }

    @Test
    void decodesXidsAbove2To31AsUnsigned() {
        Begin begin = (Begin) decode(message('B').int64(1).timestamp(COMMIT_TIME).int32(0xFFFF_FFF0L));
        assertEquals(4_294_967_280L, begin.xid());
    }

    @Test
    void decodesCommitTimesAsMicrosecondsSince2000() {
        Begin atEpoch = (Begin) decode(message('B').int64(1).int64(0).int32(1));
        assertEquals(Instant.parse("2000-01-01T00:00:00Z"), atEpoch.commitTime());
        Begin justBefore = (Begin) decode(message('B').int64(1).int64(-1).int32(1));
        assertEquals(Instant.parse("1999-12-31T23:59:59.999999Z"), justBefore.commitTime());
        Begin later = (Begin) decode(message('B').int64(1).int64(769_253_415_123_456L).int32(1));
        assertEquals(COMMIT_TIME, later.commitTime());
    }

    @Test
    void decodesCommitWithFlagsCommitLsnEndLsnAndTime() {
        Commit commit = (Commit) decode(message('C').int8(0).int64(0x16_B374_D900L).int64(0x16_B374_D930L)
                .timestamp(COMMIT_TIME));
        assertEquals(new Commit(0, Lsn.parse("16/B374D900"), Lsn.parse("16/B374D930"), COMMIT_TIME), commit);
    }

    @Test
    void decodesOrigin() {
        Origin origin = (Origin) decode(message('O').int64(0x3_0000_0010L).cstring("pg_16390"));
        assertEquals(new Origin(Lsn.parse("3/10"), "pg_16390"), origin);
    }

    @Test
    void decodesRelationWithKeyFlagsTypeOidsAndModifiers() {
        Relation relation = (Relation) decode(message('R').int32(16385).cstring("sales").cstring("orders").int8('d')
                .int16(3)
                .int8(1).cstring("id").int32(20).int32(-1)
                .int8(0).cstring("note").int32(1043).int32(104)
                .int8(0).cstring("status").int32(0x8000_0001L).int32(-1));
        assertEquals(new Relation(16385, "sales", "orders", ReplicaIdentity.DEFAULT, List.of(
                new RelationColumn(1, "id", 20, -1),
                new RelationColumn(0, "note", 1043, 104),
                new RelationColumn(0, "status", 2_147_483_649L, -1))), relation);
        assertEquals(List.of("id"), relation.keyColumns().stream().map(RelationColumn::name).toList());
        assertTrue(relation.columns().get(0).isKey());
        assertFalse(relation.columns().get(1).isKey());
        assertEquals("sales.orders", relation.qualifiedName());
    }

    @Test
    void decodesRelationWithEmptyNamespaceAsPgCatalog() {
        Relation relation = (Relation) decode(message('R').int32(1259).cstring("").cstring("pg_class").int8('n')
                .int16(0));
        assertEquals("pg_catalog", relation.namespace());
        assertEquals(List.of(), relation.columns());
    }

    @ParameterizedTest
    @EnumSource(ReplicaIdentity.class)
    void decodesEachReplicaIdentity(ReplicaIdentity identity) {
        Relation relation = (Relation) decode(message('R').int32(16385).cstring("public").cstring("t")
                .int8(identity.wireCode()).int16(1).int8(1).cstring("id").int32(23).int32(-1));
        assertEquals(identity, relation.replicaIdentity());
    }

    @Test
    void decodesTypeOfADomainAndOfABuiltInNamespace() {
        assertEquals(new Type(16401, "public", "mood"),
                decode(message('Y').int32(16401).cstring("public").cstring("mood")));
        assertEquals(new Type(16410, "pg_catalog", "int4"),
                decode(message('Y').int32(16410).cstring("").cstring("int4")));
    }

    @Test
    void decodesInsertWithTextValues() {
        Insert insert = (Insert) decode(message('I').int32(16385).int8('N').columns(2).text("1").text("hello"));
        assertEquals(new Insert(16385, TupleData.of(new Text("1"), new Text("hello"))), insert);
    }

    @Test
    void decodesAnInsertWrittenOutAsHex() {
        // 'I', relation 16385, 'N', 2 columns: 't' len 1 "1", 'n'
        byte[] bytes = HexFormat.of().parseHex("49" + "00004001" + "4e" + "0002" + "74" + "00000001" + "31" + "6e");
        Insert insert = (Insert) decoder.decode(ByteBuffer.wrap(bytes), AT);
        assertEquals(new Insert(16385, TupleData.of(new Text("1"), Null.INSTANCE)), insert);
    }

    @Test
    void decodesEveryValueKindIncludingUnchangedToast() {
        byte[] raw = {0, 1, (byte) 0xFF};
        Insert insert = (Insert) decode(message('I').int32(16385).int8('N').columns(4)
                .nullValue().unchangedToast().text("x").binary(raw));
        TupleData tuple = insert.newTuple();
        assertInstanceOf(Null.class, tuple.get(0));
        assertInstanceOf(UnchangedToast.class, tuple.get(1));
        assertEquals(new Text("x"), tuple.get(2));
        assertArrayEquals(raw, ((Binary) tuple.get(3)).bytes());
        assertTrue(tuple.hasUnchangedToast());
    }

    @Test
    void unchangedToastIsNeitherNullNorAnyValue() {
        Insert insert = (Insert) decode(message('I').int32(1).int8('N').columns(3)
                .unchangedToast().nullValue().text(""));
        ColumnValue unchanged = insert.newTuple().get(0);
        assertNotEquals(Null.INSTANCE, unchanged);
        assertNotEquals(new Text(""), unchanged);
        assertFalse(unchanged instanceof Text || unchanged instanceof Null || unchanged instanceof Binary);
    }

    @Test
    void distinguishesNullFromEmptyString() {
        Insert insert = (Insert) decode(message('I').int32(1).int8('N').columns(2).nullValue().text(""));
        assertEquals(Null.INSTANCE, insert.newTuple().get(0));
        assertEquals(new Text(""), insert.newTuple().get(1));
        assertNotEquals(insert.newTuple().get(0), insert.newTuple().get(1));
        assertFalse(insert.newTuple().hasUnchangedToast());
    }

    @Test
    void decodesMultibyteUtf8Text() {
        String text = "Grüße, 日本語, 🦆";
        MessageBytes bytes = message('I').int32(1).int8('N').columns(1).text(text);
        assertEquals(text.getBytes(StandardCharsets.UTF_8).length, ByteBuffer.wrap(bytes.toByteArray()).getInt(9),
                "fixture: the length prefix counts bytes, not characters");
        assertTrue(text.getBytes(StandardCharsets.UTF_8).length > text.length());
        Insert insert = (Insert) decode(bytes);
        assertEquals(new Text(text), insert.newTuple().get(0));
    }

    @Test
    void decodesTextOfAMessageThatStartsInsideItsBuffersArray() {
        // PgJDBC hands each message as a window on its larger read buffer
        byte[] message = message('I').int32(1).int8('N').columns(3).text("42").text("Grüße").text("").toByteArray();
        byte[] around = new byte[message.length + 7];
        System.arraycopy(message, 0, around, 5, message.length);
        ByteBuffer window = ByteBuffer.wrap(around, 5, message.length).slice();
        Insert insert = (Insert) decoder.decode(window, AT);
        assertEquals(TupleData.of(new Text("42"), new Text("Grüße"), new Text("")), insert.newTuple());
        assertEquals(0, window.position(), "the caller's buffer is not moved");
    }

    @Test
    void decodesUpdateWithKeyTupleWhenTheKeyChanged() {
        Update update = (Update) decode(message('U').int32(16385)
                .int8('K').columns(2).text("1").nullValue()
                .int8('N').columns(2).text("2").text("b"));
        assertEquals(Optional.of(new OldTuple(OldTuple.Kind.KEY, TupleData.of(new Text("1"), Null.INSTANCE))),
                update.oldTuple());
        assertEquals(TupleData.of(new Text("2"), new Text("b")), update.newTuple());
    }

    @Test
    void decodesUpdateWithOldTupleUnderReplicaIdentityFull() {
        Update update = (Update) decode(message('U').int32(16385)
                .int8('O').columns(2).text("1").text("a")
                .int8('N').columns(2).text("1").text("b"));
        OldTuple old = update.oldTuple().orElseThrow();
        assertEquals(OldTuple.Kind.OLD_ROW, old.kind());
        assertEquals(TupleData.of(new Text("1"), new Text("a")), old.tuple());
        assertEquals(TupleData.of(new Text("1"), new Text("b")), update.newTuple());
    }

    @Test
    void decodesUpdateWithNeitherKeyNorOldTupleAndAnUnchangedToastColumn() {
        Update update = (Update) decode(message('U').int32(16385)
                .int8('N').columns(3).text("7").unchangedToast().text("new"));
        assertEquals(Optional.empty(), update.oldTuple());
        assertEquals(TupleData.of(new Text("7"), UnchangedToast.INSTANCE, new Text("new")), update.newTuple());
    }

    @Test
    void decodesDeleteWithKeyTuple() {
        Delete delete = (Delete) decode(message('D').int32(16385).int8('K').columns(2).text("1").nullValue());
        assertEquals(new Delete(16385, new OldTuple(OldTuple.Kind.KEY, TupleData.of(new Text("1"), Null.INSTANCE))),
                delete);
    }

    @Test
    void decodesDeleteWithOldTupleUnderReplicaIdentityFull() {
        Delete delete = (Delete) decode(message('D').int32(16385).int8('O').columns(2).text("1").text("a"));
        assertEquals(OldTuple.Kind.OLD_ROW, delete.oldTuple().kind());
        assertEquals(TupleData.of(new Text("1"), new Text("a")), delete.oldTuple().tuple());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3})
    void decodesTruncateWithEachOptionCombination(int options) {
        Truncate truncate = (Truncate) decode(message('T').int32(1).int8(options).int32(16385));
        assertEquals(new Truncate(List.of(16385L), (options & 1) != 0, (options & 2) != 0), truncate);
    }

    @Test
    void decodesTruncateOfSeveralRelationsIncludingOidsAbove2To31() {
        Truncate truncate = (Truncate) decode(message('T').int32(3).int8(1)
                .int32(16385).int32(16390).int32(0xFFFF_FF00L));
        assertEquals(List.of(16385L, 16390L, 4_294_967_040L), truncate.relationIds());
        assertTrue(truncate.cascade());
        assertFalse(truncate.restartIdentity());
    }

    @Test
    void decodesTransactionalMessage() {
        LogicalMessage decoded = (LogicalMessage) decode(message('M').int8(1).int64(0x16_B374_D850L)
                .cstring("godwit").int32(5).raw("hello".getBytes(StandardCharsets.UTF_8)));
        assertTrue(decoded.transactional());
        assertEquals(Lsn.parse("16/B374D850"), decoded.lsn());
        assertEquals("godwit", decoded.prefix());
        assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), decoded.content());
        assertEquals(new LogicalMessage(true, Lsn.parse("16/B374D850"), "godwit",
                "hello".getBytes(StandardCharsets.UTF_8)), decoded);
    }

    @Test
    void decodesNonTransactionalMessageWithEmptyContent() {
        LogicalMessage decoded = (LogicalMessage) decode(message('M').int8(0).int64(0x10L)
                .cstring("godwit.heartbeat").int32(0));
        assertFalse(decoded.transactional());
        assertEquals(0, decoded.content().length);
    }

    @Test
    void decodesFromTheBufferPositionAndLeavesTheCallersBufferUntouched() {
        byte[] payload = message('I').int32(16385).int8('N').columns(1).text("v").toByteArray();
        byte[] framed = new byte[payload.length + 25];
        System.arraycopy(payload, 0, framed, 25, payload.length);
        ByteBuffer buffer = ByteBuffer.wrap(framed, 25, payload.length); // like a replication stream's read()

        Insert insert = (Insert) decoder.decode(buffer, AT);

        assertEquals(new Insert(16385, TupleData.of(new Text("v"))), insert);
        assertEquals(25, buffer.position());
        assertEquals(25 + payload.length, buffer.limit());
    }

    @Test
    void binaryValuesAndMessageContentCannotBeChangedThroughTheirArrays() {
        Insert insert = (Insert) decode(message('I').int32(1).int8('N').columns(1).binary(new byte[] {1, 2}));
        Binary binary = (Binary) insert.newTuple().get(0);
        binary.bytes()[0] = 9;
        assertArrayEquals(new byte[] {1, 2}, binary.bytes());
        assertEquals(2, binary.asByteBuffer().remaining());
        assertTrue(binary.asByteBuffer().isReadOnly());

        LogicalMessage decoded = (LogicalMessage) decode(message('M').int8(1).int64(1).cstring("p").int32(1).int8(7));
        decoded.content()[0] = 0;
        assertArrayEquals(new byte[] {7}, decoded.content());
    }

    @Test
    void decodesTheSameBytesTheSameWayTwice() {
        MessageBytes bytes = message('U').int32(1).int8('O').columns(1).text("a").int8('N').columns(1).text("b");
        assertEquals(decode(bytes), decode(bytes));
    }
}
