package dev.godwit.workers.cdc.pgoutput;

import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Begin;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Commit;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Delete;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Insert;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.LogicalMessage;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Origin;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Relation;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.StreamAbort;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.StreamCommit;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.StreamStart;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.StreamStop;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Streamable;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Streamed;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Truncate;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Type;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Update;
import dev.godwit.workers.pg.Lsn;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * Decodes pgoutput messages (PostgreSQL's logical replication output plugin), protocol versions 1 and 2.
 *
 * <p>Decoding is pure apart from one piece of state that protocol version 2 makes necessary: whether the stream is
 * inside a stream block ({@link StreamStart} … {@link StreamStop}), because only there do messages carry a
 * transaction id, with nothing in their own bytes to say so. The decoder therefore expects every message of one
 * replication stream, in order; use one decoder per {@code START_REPLICATION}, and a new one after a reconnect. Not
 * thread-safe. Under protocol version 1 the decoder holds no state at all.
 *
 * <p>Versions 3 (two-phase commit) and 4 (parallel streaming, which extends Stream Abort) are refused when the decoder
 * is created; their message types are reported as such if they appear anyway.
 */
public final class PgOutputDecoder {

    public static final int MIN_PROTOCOL_VERSION = 1;
    public static final int MAX_PROTOCOL_VERSION = 2;

    private static final int TRUNCATE_CASCADE = 1;
    private static final int TRUNCATE_RESTART_IDENTITY = 2;
    private static final int MESSAGE_TRANSACTIONAL = 1;

    private final int protocolVersion;

    /** The top-level xid of the open stream block; empty outside a block (always, under protocol version 1). */
    private OptionalLong openStreamXid = OptionalLong.empty();

    /**
     * @param protocolVersion the {@code proto_version} given to {@code START_REPLICATION}: 1, or 2 for
     *                        {@code streaming 'on'}
     * @throws IllegalArgumentException for any other version
     */
    public PgOutputDecoder(int protocolVersion) {
        if (protocolVersion < MIN_PROTOCOL_VERSION || protocolVersion > MAX_PROTOCOL_VERSION) {
            throw new IllegalArgumentException("pgoutput proto_version " + protocolVersion + " is not supported: "
                    + "godwit decodes versions 1 and 2 (3 adds two-phase commit, 4 parallel streaming); "
                    + "start replication with proto_version '1' or '2'");
        }
        this.protocolVersion = protocolVersion;
    }

    public int protocolVersion() {
        return protocolVersion;
    }

    /** The top-level xid of the stream block being received, if the last stream message was a Stream Start. */
    public OptionalLong openStreamXid() {
        return openStreamXid;
    }

    /**
     * Decodes one message: the XLogData payload from its first byte (the message type) up to the buffer's limit.
     * The buffer's position and limit are left untouched.
     *
     * @param message     the payload, e.g. as returned by PgJDBC's {@code PGReplicationStream.read()}
     * @param walPosition the WAL position of the message (the XLogData start), named in errors
     * @throws PgOutputDecodingException on an unknown or misplaced message type and on truncated or garbled bytes
     */
    public PgOutputMessage decode(ByteBuffer message, Lsn walPosition) {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(walPosition, "walPosition");
        MessageReader in = new MessageReader(message, walPosition);
        if (in.isEmpty()) {
            throw in.fail("empty message, expected at least the message type byte");
        }
        int tag = in.u8("message type");
        PgOutputMessage decoded = switch (tag) {
            case 'B' -> begin(in);
            case 'C' -> commit(in);
            case 'O' -> origin(in);
            case 'R' -> maybeStreamed(in, "Relation", this::relation);
            case 'Y' -> maybeStreamed(in, "Type", this::type);
            case 'I' -> maybeStreamed(in, "Insert", this::insert);
            case 'U' -> maybeStreamed(in, "Update", this::update);
            case 'D' -> maybeStreamed(in, "Delete", this::delete);
            case 'T' -> maybeStreamed(in, "Truncate", this::truncate);
            case 'M' -> maybeStreamed(in, "Message", this::logicalMessage);
            case 'S' -> streamStart(in);
            case 'E' -> streamStop(in);
            case 'c' -> streamCommit(in);
            case 'A' -> streamAbort(in);
            default -> throw unsupported(tag, walPosition);
        };
        in.expectEnd();
        trackStreamBlock(decoded);
        return decoded;
    }

    private Begin begin(MessageReader in) {
        in.messageName("Begin");
        requireOutsideStreamBlock(in);
        return new Begin(in.validLsn("final_lsn"), in.timestamp("commit timestamp"), in.uint32("xid"));
    }

    private Commit commit(MessageReader in) {
        in.messageName("Commit");
        requireOutsideStreamBlock(in);
        int flags = in.u8("flags");
        Lsn commitLsn = in.validLsn("commit_lsn");
        Lsn endLsn = in.validLsn("end_lsn");
        return new Commit(flags, commitLsn, endLsn, in.timestamp("commit timestamp"));
    }

    private Origin origin(MessageReader in) {
        in.messageName("Origin");
        return new Origin(in.lsn("origin_lsn"), in.cstring("origin name"));
    }

    private Relation relation(MessageReader in) {
        long relationId = in.uint32("relation id");
        String namespace = namespace(in.cstring("namespace"));
        String name = in.cstring("relation name");
        int code = in.u8("replica identity");
        ReplicaIdentity identity = ReplicaIdentity.fromWireCode(code).orElseThrow(() -> in.fail(
                "unknown replica identity " + describeByte(code) + " for relation " + namespace + "." + name
                        + " (expected 'd', 'n', 'f' or 'i')"));
        int count = in.u16("column count");
        List<RelationColumn> columns = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            int flags = in.u8("flags", i);
            String columnName = in.cstring("column name");
            long typeOid = Integer.toUnsignedLong(in.int32("type oid", i));
            int typeModifier = in.int32("type modifier", i);
            columns.add(new RelationColumn(flags, columnName, typeOid, typeModifier));
        }
        return new Relation(relationId, namespace, name, identity, columns);
    }

    private Type type(MessageReader in) {
        long typeOid = in.uint32("type oid");
        String namespace = namespace(in.cstring("namespace"));
        return new Type(typeOid, namespace, in.cstring("type name"));
    }

    private Insert insert(MessageReader in) {
        long relationId = in.uint32("relation id");
        expectTupleKind(in, 'N', "new tuple marker 'N'");
        return new Insert(relationId, tuple(in));
    }

    private Update update(MessageReader in) {
        long relationId = in.uint32("relation id");
        int kind = in.u8("tuple marker");
        Optional<OldTuple> oldTuple = Optional.empty();
        if (kind == 'K' || kind == 'O') {
            oldTuple = Optional.of(new OldTuple(oldTupleKind(kind), tuple(in)));
            kind = in.u8("new tuple marker");
        }
        if (kind != 'N') {
            throw in.fail("expected tuple marker 'K', 'O' or 'N' before offset " + in.offset() + ", got "
                    + describeByte(kind));
        }
        return new Update(relationId, oldTuple, tuple(in));
    }

    private Delete delete(MessageReader in) {
        long relationId = in.uint32("relation id");
        int kind = in.u8("tuple marker");
        if (kind != 'K' && kind != 'O') {
            throw in.fail("expected tuple marker 'K' or 'O' before offset " + in.offset() + ", got "
                    + describeByte(kind));
        }
        return new Delete(relationId, new OldTuple(oldTupleKind(kind), tuple(in)));
    }

    private Truncate truncate(MessageReader in) {
        int count = in.int32("relation count");
        int options = in.u8("options");
        if ((options & ~(TRUNCATE_CASCADE | TRUNCATE_RESTART_IDENTITY)) != 0) {
            throw in.fail("unknown truncate option bits 0x" + Integer.toHexString(options)
                    + " (known: 1 CASCADE, 2 RESTART IDENTITY)");
        }
        if (count < 0 || (long) count * Integer.BYTES > in.remaining()) {
            throw in.fail("relation count " + Integer.toUnsignedString(count) + " does not fit in the "
                    + in.remaining() + " remaining bytes at offset " + in.offset());
        }
        List<Long> relationIds = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            relationIds.add(Integer.toUnsignedLong(in.int32("relation id", i)));
        }
        return new Truncate(relationIds, (options & TRUNCATE_CASCADE) != 0,
                (options & TRUNCATE_RESTART_IDENTITY) != 0);
    }

    private LogicalMessage logicalMessage(MessageReader in) {
        int flags = in.u8("flags");
        Lsn lsn = in.lsn("message lsn");
        String prefix = in.cstring("prefix");
        int length = in.int32("content length");
        return new LogicalMessage((flags & MESSAGE_TRANSACTIONAL) != 0, lsn, prefix,
                in.bytes(length, "content", 0));
    }

    private StreamStart streamStart(MessageReader in) {
        in.messageName("Stream Start");
        requireStreaming(in);
        long xid = in.uint32("xid");
        if (openStreamXid.isPresent()) {
            throw in.fail("Stream Start for xid " + xid + " while the stream block of xid "
                    + openStreamXid.getAsLong() + " is still open (no Stream Stop)");
        }
        int first = in.u8("first segment");
        if (first > 1) {
            throw in.fail("first segment flag must be 0 or 1, got " + first);
        }
        return new StreamStart(xid, first == 1);
    }

    private StreamStop streamStop(MessageReader in) {
        in.messageName("Stream Stop");
        requireStreaming(in);
        if (openStreamXid.isEmpty()) {
            throw in.fail("Stream Stop outside a stream block (no Stream Start)");
        }
        return new StreamStop();
    }

    private StreamCommit streamCommit(MessageReader in) {
        in.messageName("Stream Commit");
        requireStreaming(in);
        requireOutsideStreamBlock(in);
        long xid = in.uint32("xid");
        int flags = in.u8("flags");
        Lsn commitLsn = in.validLsn("commit_lsn");
        Lsn endLsn = in.validLsn("end_lsn");
        return new StreamCommit(xid, flags, commitLsn, endLsn, in.timestamp("commit timestamp"));
    }

    private StreamAbort streamAbort(MessageReader in) {
        in.messageName("Stream Abort");
        requireStreaming(in);
        requireOutsideStreamBlock(in);
        return new StreamAbort(in.uint32("xid"), in.uint32("subtransaction xid"));
    }

    /** Reads the xid that precedes a {@link Streamable} message's body inside a stream block. */
    private PgOutputMessage maybeStreamed(MessageReader in, String name,
                                          Function<MessageReader, Streamable> body) {
        in.messageName(name);
        if (openStreamXid.isEmpty()) {
            return body.apply(in);
        }
        long xid = in.uint32("xid");
        return new Streamed(openStreamXid.getAsLong(), xid, body.apply(in));
    }

    private TupleData tuple(MessageReader in) {
        int count = in.u16("tuple column count");
        ColumnValue[] values = new ColumnValue[count];
        for (int i = 1; i <= count; i++) {
            int kind = in.u8("value kind", i);
            values[i - 1] = switch (kind) {
                case 'n' -> ColumnValue.Null.INSTANCE;
                case 'u' -> ColumnValue.UnchangedToast.INSTANCE;
                case 't' -> new ColumnValue.Text(in.utf8(in.int32("text length", i), "text value", i));
                case 'b' -> new ColumnValue.Binary(in.bytes(in.int32("binary length", i), "binary value", i));
                default -> throw in.fail("unknown value kind " + describeByte(kind) + " for column " + i
                        + " before offset " + in.offset() + " (expected 'n', 'u', 't' or 'b')");
            };
        }
        return TupleData.of(values); // one copy of the array, where a list would be copied twice
    }

    private void trackStreamBlock(PgOutputMessage decoded) {
        if (decoded instanceof StreamStart start) {
            openStreamXid = OptionalLong.of(start.xid());
        } else if (decoded instanceof StreamStop) {
            openStreamXid = OptionalLong.empty();
        }
    }

    private void requireStreaming(MessageReader in) {
        if (protocolVersion < 2) {
            throw in.fail("stream messages need proto_version 2 (streaming), but this decoder was created for "
                    + "proto_version " + protocolVersion);
        }
    }

    private void requireOutsideStreamBlock(MessageReader in) {
        if (openStreamXid.isPresent()) {
            throw in.fail("not allowed inside the open stream block of xid " + openStreamXid.getAsLong());
        }
    }

    private static void expectTupleKind(MessageReader in, int expected, String what) {
        int kind = in.u8("tuple marker");
        if (kind != expected) {
            throw in.fail("expected " + what + " before offset " + in.offset() + ", got " + describeByte(kind));
        }
    }

    private static OldTuple.Kind oldTupleKind(int marker) {
        return marker == 'K' ? OldTuple.Kind.KEY : OldTuple.Kind.OLD_ROW;
    }

    /** The wire sends "" for pg_catalog, to save space. */
    private static String namespace(String wire) {
        return wire.isEmpty() ? "pg_catalog" : wire;
    }

    private static PgOutputDecodingException unsupported(int tag, Lsn walPosition) {
        String name = switch (tag) {
            case 'b' -> "Begin Prepare";
            case 'P' -> "Prepare";
            case 'K' -> "Commit Prepared";
            case 'r' -> "Rollback Prepared";
            case 'p' -> "Stream Prepare";
            default -> null;
        };
        if (name != null) {
            return new PgOutputDecodingException("pgoutput two-phase message " + describeByte(tag) + " (" + name
                    + ") at WAL position " + walPosition + ": two-phase decoding is protocol version 3, which godwit"
                    + " does not decode; create the slot and subscription without two_phase", walPosition);
        }
        return new PgOutputDecodingException("unknown pgoutput message type " + describeByte(tag)
                + " at WAL position " + walPosition, walPosition);
    }

    /** {@code 'Z' (0x5A)}; a byte that is not printable ASCII is shown as a Java unicode escape. */
    static String describeByte(int value) {
        String shown = value >= 0x20 && value < 0x7F ? String.valueOf((char) value) : String.format("\\u%04x", value);
        return "'" + shown + "' (" + String.format("0x%02X", value) + ")";
    }
}
