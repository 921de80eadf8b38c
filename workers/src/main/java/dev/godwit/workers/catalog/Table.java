package dev.godwit.workers.catalog;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A relation godwit may migrate: a table, partitioned table, view, materialized view or foreign table.
 *
 * @param replicaIdentityIndex  the index named by REPLICA IDENTITY USING INDEX
 * @param partitionKey          {@code pg_get_partkeydef}, for partitioned tables: {@code RANGE (created_at)}
 * @param partitionParentOid    the parent of a partition
 * @param partitionBound        {@code FOR VALUES FROM ('2024-01-01') TO ('2024-02-01')}, or {@code DEFAULT}
 * @param inheritanceParentOids plain (non-partition) inheritance parents, in the child's declared order
 * @param sizeBytes             {@code pg_table_size}: heap, TOAST and maps, without indexes; 0 for a
 *                              partitioned table itself (its partitions hold the data)
 * @param estimatedRows         {@code reltuples}, -1 when the table was never vacuumed or analyzed
 * @param hasLargeObjectColumns a column of type {@code oid} or a domain over it (such as {@code lo}), whose large
 *                              objects a row copy does not carry
 * @param selectable            whether the reading role has SELECT on the relation
 */
public record Table(long oid, String schema, String name, TableKind kind, boolean unlogged, boolean temporary,
                    ReplicaIdentity replicaIdentity, Optional<String> replicaIdentityIndex, List<Column> columns,
                    Optional<PrimaryKey> primaryKey, List<Index> indexes, List<Constraint> constraints,
                    Optional<String> partitionKey, OptionalLong partitionParentOid, Optional<String> partitionBound,
                    List<Long> inheritanceParentOids, long sizeBytes, long estimatedRows,
                    boolean hasLargeObjectColumns, Optional<String> viewDefinition, Optional<String> tablespace,
                    Optional<String> comment, boolean selectable) {

    public Table {
        columns = List.copyOf(columns);
        indexes = List.copyOf(indexes);
        constraints = List.copyOf(constraints);
        inheritanceParentOids = List.copyOf(inheritanceParentOids);
    }

    /** {@code "schema"."name"}, always quoted. */
    public String qualifiedName() {
        return Identifiers.qualified(schema, name);
    }

    public boolean isPartition() {
        return partitionParentOid.isPresent();
    }

    public boolean isInheritanceChild() {
        return !inheritanceParentOids.isEmpty();
    }

    /** Whether logical replication can carry this table's UPDATEs and DELETEs with enough to find the row. */
    public boolean usableReplicaIdentity() {
        return switch (replicaIdentity) {
            case FULL -> true;
            case INDEX -> replicaIdentityIndex.isPresent();
            case DEFAULT -> primaryKey.isPresent();
            case NOTHING -> false;
        };
    }

    public Optional<Column> column(String columnName) {
        return columns.stream().filter(c -> c.name().equals(columnName)).findFirst();
    }

    public Optional<Index> index(String indexName) {
        return indexes.stream().filter(i -> i.name().equals(indexName)).findFirst();
    }

    public Optional<Constraint> constraint(String constraintName) {
        return constraints.stream().filter(c -> c.name().equals(constraintName)).findFirst();
    }
}
