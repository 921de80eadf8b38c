package dev.godwit.workers.cdc.pgoutput;

import dev.godwit.workers.pg.Lsn;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One decoded pgoutput message (the payload of one XLogData message on a logical replication stream).
 *
 * <p>Conventions: OIDs and transaction ids are unsigned 32-bit on the wire and are exposed as {@code long} in
 * {@code [0, 2^32)}, so ids above 2^31 read as PostgreSQL prints them; WAL positions are {@link Lsn}; timestamps
 * (microseconds since 2000-01-01 UTC on the wire) are {@link Instant}.
 *
 * <p>Messages that PostgreSQL sends inside a stream block (protocol version 2, between {@link StreamStart} and
 * {@link StreamStop}) carry a transaction id; the decoder returns them wrapped in {@link Streamed}, never bare, so an
 * applier written for ordinary transactions cannot apply a not-yet-committed streamed change by accident. Only
 * {@link Streamable} messages can be streamed.
 */
public sealed interface PgOutputMessage {

    /** The messages that carry a transaction id when sent inside a stream block (protocol version 2). */
    sealed interface Streamable extends PgOutputMessage
            permits Relation, Type, Insert, Update, Delete, Truncate, LogicalMessage {
    }

    /**
     * 'B': a transaction starts. Its changes and a {@link Commit} follow.
     *
     * @param finalLsn   the LSN of the transaction's commit record
     * @param commitTime when the transaction committed
     * @param xid        the transaction id
     */
    record Begin(Lsn finalLsn, Instant commitTime, long xid) implements PgOutputMessage {
    }

    /**
     * 'C': the transaction started by the last {@link Begin} committed.
     *
     * @param flags      the raw flags byte (unused by PostgreSQL so far, always 0)
     * @param commitLsn  the LSN of the commit record
     * @param endLsn     the LSN just past the commit record: the position to checkpoint and confirm
     * @param commitTime when the transaction committed
     */
    record Commit(int flags, Lsn commitLsn, Lsn endLsn, Instant commitTime) implements PgOutputMessage {
    }

    /**
     * 'O': the current transaction was replayed from another node (sent only for transactions with a replication
     * origin, e.g. those applied by a subscription, unless the publisher was asked for {@code origin = none}).
     *
     * @param originLsn the LSN of the commit on the origin server
     * @param name      the origin's name
     */
    record Origin(Lsn originLsn, String name) implements PgOutputMessage {
    }

    /**
     * 'R': the shape of a relation, sent before its first change and again after any DDL that changes it. The
     * latest Relation for an id replaces every earlier one (see {@link RelationCache}).
     *
     * @param relationId      the relation's OID
     * @param namespace       the schema name; the wire's "" (pg_catalog) is decoded as {@code "pg_catalog"}
     * @param name            the relation name
     * @param replicaIdentity the relation's replica identity setting
     * @param columns         the published columns, in tuple order (generated columns and dropped columns excluded)
     */
    record Relation(long relationId, String namespace, String name, ReplicaIdentity replicaIdentity,
                    List<RelationColumn> columns) implements Streamable {
        public Relation {
            columns = List.copyOf(columns);
        }

        /** The key columns ('K' tuples carry meaningful values only for these). */
        public List<RelationColumn> keyColumns() {
            return columns.stream().filter(RelationColumn::isKey).toList();
        }

        /** {@code namespace.name}, unquoted, for messages. */
        public String qualifiedName() {
            return namespace + "." + name;
        }
    }

    /**
     * 'Y': a non-built-in type used by a published column, sent before the first Relation that uses it.
     *
     * @param typeOid   the column's type OID (for a domain: the domain's OID)
     * @param namespace the schema of the base type; the wire's "" is decoded as {@code "pg_catalog"}
     * @param name      the name of the base type (for a domain: the base type's name, not the domain's)
     */
    record Type(long typeOid, String namespace, String name) implements Streamable {
    }

    /** 'I': a row was inserted. */
    record Insert(long relationId, TupleData newTuple) implements Streamable {
    }

    /**
     * 'U': a row was updated.
     *
     * @param relationId the relation's OID
     * @param oldTuple   'K' (key columns; sent only when the key changed or is stored out of line) or 'O' (whole old
     *                   row, REPLICA IDENTITY FULL); empty when neither was sent: the row's key is then unchanged
     *                   and found in the key columns of {@code newTuple}
     * @param newTuple   the new row; may hold {@link ColumnValue.UnchangedToast} columns
     */
    record Update(long relationId, Optional<OldTuple> oldTuple, TupleData newTuple) implements Streamable {
        public Update {
            Objects.requireNonNull(oldTuple, "oldTuple: use Optional.empty()");
        }
    }

    /**
     * 'D': a row was deleted.
     *
     * @param oldTuple 'K' (key columns only) or 'O' (whole old row, REPLICA IDENTITY FULL)
     */
    record Delete(long relationId, OldTuple oldTuple) implements Streamable {
    }

    /**
     * 'T': relations were truncated together (PostgreSQL 11+).
     *
     * @param relationIds     the OIDs of the truncated published relations
     * @param cascade         {@code TRUNCATE ... CASCADE}
     * @param restartIdentity {@code TRUNCATE ... RESTART IDENTITY}
     */
    record Truncate(List<Long> relationIds, boolean cascade, boolean restartIdentity) implements Streamable {
        public Truncate {
            relationIds = List.copyOf(relationIds);
        }
    }

    /**
     * 'M': a logical decoding message from {@code pg_logical_emit_message} (PostgreSQL 14+, option
     * {@code messages}). A non-transactional message arrives outside any Begin/Commit, as soon as it is decoded.
     *
     * @param transactional whether it was emitted as part of its transaction
     * @param lsn           the message's own LSN
     * @param prefix        the prefix given to {@code pg_logical_emit_message}
     * @param content       the content bytes; {@link #content()} returns a copy
     */
    record LogicalMessage(boolean transactional, Lsn lsn, String prefix, byte[] content) implements Streamable {
        public LogicalMessage {
            content = content.clone();
        }

        @Override
        public byte[] content() {
            return content.clone();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof LogicalMessage that && transactional == that.transactional
                    && lsn.equals(that.lsn) && prefix.equals(that.prefix) && Arrays.equals(content, that.content);
        }

        @Override
        public int hashCode() {
            return Objects.hash(transactional, lsn, prefix, Arrays.hashCode(content));
        }

        @Override
        public String toString() {
            return "LogicalMessage[transactional=" + transactional + ", lsn=" + lsn + ", prefix=" + prefix
                    + ", content=" + content.length + " bytes \\x"
                    + HexFormat.of().formatHex(content, 0, Math.min(content.length, 32))
                    + (content.length > 32 ? "…" : "") + "]";
        }
    }

    /**
     * A {@link Streamable} message received inside a stream block (protocol version 2): part of a transaction that
     * has not committed yet. Buffer it under {@code topLevelXid} until {@link StreamCommit}; drop it on
     * {@link StreamAbort}.
     *
     * @param topLevelXid the xid of the enclosing {@link StreamStart}: the transaction being streamed
     * @param xid         the xid sent with the message: the top-level xid, or the xid of the subtransaction that
     *                    made the change (what a {@link StreamAbort} of that subtransaction refers to)
     * @param message     the message itself
     */
    record Streamed(long topLevelXid, long xid, Streamable message) implements PgOutputMessage {
        public Streamed {
            Objects.requireNonNull(message, "message");
        }
    }

    /**
     * 'S': a block of changes of an in-progress transaction follows (protocol version 2).
     *
     * @param xid          the top-level transaction's id
     * @param firstSegment whether this is the first block streamed for this transaction
     */
    record StreamStart(long xid, boolean firstSegment) implements PgOutputMessage {
    }

    /** 'E': the current stream block ends. */
    record StreamStop() implements PgOutputMessage {
    }

    /**
     * 'c': a streamed transaction committed; everything buffered for {@code xid} can be applied.
     *
     * @param endLsn the position to checkpoint and confirm, as for {@link Commit#endLsn()}
     */
    record StreamCommit(long xid, int flags, Lsn commitLsn, Lsn endLsn, Instant commitTime)
            implements PgOutputMessage {
    }

    /**
     * 'A': a streamed transaction, or one of its subtransactions, aborted.
     *
     * @param xid    the top-level transaction's id
     * @param subXid the aborted subtransaction; equal to {@code xid} when the whole transaction aborted
     */
    record StreamAbort(long xid, long subXid) implements PgOutputMessage {

        /** Whether the whole transaction aborted (rather than one subtransaction). */
        public boolean abortsWholeTransaction() {
            return xid == subXid;
        }
    }
}
