package dev.godwit.workers.catalog;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reads the relations and everything hanging off them (columns, indexes, constraints, parents) with one query per
 * kind of object for all relations at once, then puts each relation together.
 */
final class RelationReader {
    /** {@code attcompression} appeared in PostgreSQL 14, {@code indnullsnotdistinct} in 15. */
    private static final int COMPRESSION_SINCE = 140000;
    private static final int NULLS_NOT_DISTINCT_SINCE = 150000;
    /** From 14 on, {@code reltuples} is -1 until the first VACUUM or ANALYZE; before, it was 0 like an empty table. */
    private static final int UNKNOWN_RELTUPLES_SINCE = 140000;

    private final Query query;
    private final int serverVersionNum;

    RelationReader(Query query, int serverVersionNum) {
        this.query = query;
        this.serverVersionNum = serverVersionNum;
    }

    /** A row of tables.sql, before its columns and keys are attached. */
    private record Relation(long oid, String schema, String name, TableKind kind, String persistence,
                            ReplicaIdentity replicaIdentity, long relpages, double reltuples,
                            Optional<String> partitionKey, Optional<String> partitionBound, long sizeBytes,
                            Optional<String> viewDefinition, Optional<String> tablespace, Optional<String> comment,
                            boolean selectable) {
    }

    private record Parent(long child, long parent, boolean partition) {
    }

    /** A column row with the relation it belongs to. */
    private record Owned<T>(long relid, T item) {
    }

    List<Table> read() throws SQLException {
        List<Relation> relations = query.list("tables", RelationReader::relation);
        List<Long> oids = relations.stream().map(Relation::oid).toList();
        Map<Long, List<Parent>> parents = group(query.list("inherits", oids,
                r -> new Parent(r.getLong("child"), r.getLong("parent"), r.getBoolean("is_partition"))), Parent::child);
        Map<Long, List<Column>> columns = columns(oids);
        Map<Long, List<Index>> indexes = indexes(oids);
        Map<Long, List<Constraint>> constraints = ungroup(query.list("constraints", oids,
                r -> new Owned<>(r.getLong("relid"), constraint(r))));

        List<Table> tables = new ArrayList<>(relations.size());
        for (Relation rel : relations) {
            tables.add(assemble(rel, parents.getOrDefault(rel.oid(), List.of()),
                    columns.getOrDefault(rel.oid(), List.of()), indexes.getOrDefault(rel.oid(), List.of()),
                    constraints.getOrDefault(rel.oid(), List.of())));
        }
        return tables;
    }

    private Table assemble(Relation rel, List<Parent> parents, List<Column> columns, List<Index> indexes,
                           List<Constraint> constraints) {
        OptionalLong partitionParent = parents.stream().filter(Parent::partition)
                .mapToLong(Parent::parent).findFirst();
        List<Long> inheritanceParents = parents.stream().filter(p -> !p.partition()).map(Parent::parent).toList();
        Optional<PrimaryKey> primaryKey = constraints.stream()
                .filter(c -> c.type() == ConstraintType.PRIMARY_KEY).findFirst()
                .map(c -> new PrimaryKey(c.name(), c.columns()));
        Optional<String> replicaIdentityIndex = indexes.stream().filter(Index::replicaIdentity).map(Index::name)
                .findFirst();
        boolean largeObjects = columns.stream().anyMatch(Column::largeObject);
        return new Table(rel.oid(), rel.schema(), rel.name(), rel.kind(), "u".equals(rel.persistence()),
                "t".equals(rel.persistence()), rel.replicaIdentity(), replicaIdentityIndex, columns, primaryKey,
                indexes, constraints, rel.partitionKey(), partitionParent, rel.partitionBound(), inheritanceParents,
                rel.sizeBytes(), estimatedRows(rel), largeObjects, rel.viewDefinition(), rel.tablespace(),
                rel.comment(), rel.selectable());
    }

    private long estimatedRows(Relation rel) {
        if (rel.kind() == TableKind.VIEW) {
            return -1;
        }
        // before 14 an empty relpages and reltuples is what a never-analyzed table shows; the planner of those
        // versions reads it as "unknown" too, so godwit does the same rather than plan on zero rows
        if (serverVersionNum < UNKNOWN_RELTUPLES_SINCE && rel.relpages() == 0 && rel.reltuples() == 0) {
            return -1;
        }
        return rel.reltuples() < 0 ? -1 : Math.round(rel.reltuples());
    }

    private Map<Long, List<Column>> columns(List<Long> oids) throws SQLException {
        Map<Long, List<Column>> columns = ungroup(query.list("columns", oids,
                r -> new Owned<>(r.getLong("relid"), column(r))));
        if (serverVersionNum >= COMPRESSION_SINCE) {
            for (Owned<String[]> c : query.list("column-compression", oids, r -> new Owned<>(r.getLong("relid"),
                    new String[] {r.getString("attnum"), r.getString("compression")}))) {
                int attnum = Integer.parseInt(c.item()[0]);
                columns.computeIfPresent(c.relid(), (k, list) -> list.stream()
                        .map(col -> col.attnum() == attnum && c.item()[1] != null ? col.withCompression(c.item()[1])
                                : col)
                        .toList());
            }
        }
        return columns;
    }

    private Map<Long, List<Index>> indexes(List<Long> oids) throws SQLException {
        Map<Long, List<Index>> indexes = ungroup(query.list("indexes", oids,
                r -> new Owned<>(r.getLong("relid"), index(r))));
        if (serverVersionNum >= NULLS_NOT_DISTINCT_SINCE) {
            for (Owned<String> n : query.list("index-nulls-not-distinct", oids,
                    r -> new Owned<>(r.getLong("relid"), r.getString("name")))) {
                indexes.computeIfPresent(n.relid(), (k, list) -> list.stream()
                        .map(i -> i.name().equals(n.item()) ? i.withNullsNotDistinct() : i).toList());
            }
        }
        return indexes;
    }

    private static Relation relation(ResultSet r) throws SQLException {
        return new Relation(r.getLong("oid"), r.getString("schema"), r.getString("name"),
                TableKind.of(r.getString("kind")), r.getString("persistence"),
                ReplicaIdentity.of(r.getString("replident")), r.getLong("relpages"), r.getDouble("reltuples"),
                Query.string(r, "partition_key"), Query.string(r, "partition_bound"), r.getLong("size_bytes"),
                Query.string(r, "view_definition"), Query.string(r, "tablespace"), Query.string(r, "comment"),
                r.getBoolean("selectable"));
    }

    private static Column column(ResultSet r) throws SQLException {
        return new Column(r.getInt("attnum"), r.getString("name"), r.getString("type"), r.getLong("type_oid"),
                r.getInt("type_modifier"), r.getBoolean("not_null"), Query.string(r, "default_expression"),
                Identity.of(r.getString("identity")), Query.string(r, "generated_expression"),
                Query.string(r, "collation"), r.getString("type_schema"), r.getString("type_name"),
                r.getString("type_category").charAt(0), r.getBoolean("is_array"), r.getBoolean("large_object"),
                Optional.empty(), Query.string(r, "comment"), r.getBoolean("virtual_generated"));
    }

    private static Index index(ResultSet r) throws SQLException {
        return new Index(r.getString("name"), r.getString("definition"), r.getBoolean("is_primary"),
                r.getBoolean("is_unique"), r.getBoolean("is_replident"), r.getBoolean("is_partial"),
                Query.string(r, "constraint_name"), Query.strings(r, "key_columns"),
                Query.strings(r, "included_columns"), r.getBoolean("is_attached_partition_index"),
                r.getBoolean("is_valid"), false, Query.string(r, "tablespace"));
    }

    private static Constraint constraint(ResultSet r) throws SQLException {
        long referenced = r.getLong("referenced_oid");
        return new Constraint(r.getString("name"), ConstraintType.of(r.getString("type")),
                r.getString("definition"), r.getBoolean("inherited"),
                referenced == 0 ? OptionalLong.empty() : OptionalLong.of(referenced), r.getBoolean("validated"),
                r.getBoolean("deferrable"), r.getBoolean("deferred"), Query.strings(r, "key_columns"));
    }

    private static <T> Map<Long, List<T>> group(List<T> rows, Function<T, Long> key) {
        return rows.stream().collect(Collectors.groupingBy(key, LinkedHashMap::new, Collectors.toList()));
    }

    private static <T> Map<Long, List<T>> ungroup(List<Owned<T>> rows) {
        Map<Long, List<T>> out = new HashMap<>();
        for (Owned<T> row : rows) {
            out.computeIfAbsent(row.relid(), k -> new ArrayList<>()).add(row.item());
        }
        return out;
    }
}
