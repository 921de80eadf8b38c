package dev.godwit.workers.cdc.pgoutput;

import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Relation;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The latest {@link Relation} message per relation id. PostgreSQL re-sends a relation after DDL that changes it;
 * the new message replaces the old one, and later tuples follow the new column list. Not thread-safe: owned by the
 * thread that reads the stream.
 *
 * <p>Relations received inside a stream block ({@link PgOutputMessage.Streamed}) describe tuples of a transaction
 * that has not committed yet; an applier that buffers streamed transactions should also buffer their Relation
 * messages and put them here when it applies that transaction.
 */
public final class RelationCache {

    private final Map<Long, Relation> relations = new HashMap<>();

    /** Stores {@code relation}, returning the one it replaces, if any (compare the two to detect schema drift). */
    public Optional<Relation> put(Relation relation) {
        return Optional.ofNullable(relations.put(relation.relationId(), relation));
    }

    public Optional<Relation> get(long relationId) {
        return Optional.ofNullable(relations.get(relationId));
    }

    /**
     * The relation a change refers to.
     *
     * @throws IllegalStateException if no Relation message was received for it (PostgreSQL always sends one before
     *                               the first change of a relation on a connection)
     */
    public Relation require(long relationId) {
        Relation relation = relations.get(relationId);
        if (relation == null) {
            throw new IllegalStateException("no Relation message received for relation id " + relationId
                    + "; changes must be decoded from the start of the replication connection");
        }
        return relation;
    }

    /**
     * The tuple's values by column name, in the relation's column order.
     *
     * @throws IllegalStateException if the relation is unknown or the tuple's column count differs from it
     */
    public Map<String, ColumnValue> valuesByName(long relationId, TupleData tuple) {
        Relation relation = require(relationId);
        List<RelationColumn> columns = relation.columns();
        if (columns.size() != tuple.size()) {
            throw new IllegalStateException("tuple has " + tuple.size() + " columns but relation "
                    + relation.qualifiedName() + " (id " + relationId + ") has " + columns.size());
        }
        Map<String, ColumnValue> byName = new LinkedHashMap<>();
        for (int i = 0; i < columns.size(); i++) {
            byName.put(columns.get(i).name(), tuple.get(i));
        }
        return Collections.unmodifiableMap(byName);
    }

    /** Every relation received, in no particular order. */
    public List<Relation> all() {
        return List.copyOf(relations.values());
    }

    public int size() {
        return relations.size();
    }
}
