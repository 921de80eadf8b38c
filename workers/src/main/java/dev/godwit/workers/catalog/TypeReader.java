package dev.godwit.workers.catalog;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads the user types that the columns of the given relations need, with their labels, checks and attributes. */
final class TypeReader {
    private final Query query;

    TypeReader(Query query) {
        this.query = query;
    }

    /** A row of types.sql, before labels, domain checks and attributes are attached. */
    private record TypeRow(long oid, String schema, String name, UserTypeKind kind, Optional<String> domainBaseType,
                           Optional<String> domainDefault, boolean domainNotNull, Optional<String> rangeSubtype,
                           Optional<String> rangeSubtypeDiff, Optional<String> rangeCanonical,
                           Optional<String> extension, Optional<String> comment, List<Long> relations) {
    }

    private record Item<T>(long typeOid, T value) {
    }

    List<UserType> read(List<Long> relationOids) throws SQLException {
        List<TypeRow> rows = query.list("types", relationOids, TypeReader::row);
        List<Long> oids = rows.stream().map(TypeRow::oid).toList();
        Map<Long, List<String>> labels = byType(query.list("enum-labels", oids,
                r -> new Item<>(r.getLong("type_oid"), r.getString("label"))));
        Map<Long, List<String>> checks = byType(query.list("domain-constraints", oids,
                r -> new Item<>(r.getLong("type_oid"), r.getString("definition"))));
        Map<Long, List<Attribute>> attributes = byType(query.list("composite-attributes", oids,
                r -> new Item<>(r.getLong("type_oid"), new Attribute(r.getString("name"), r.getString("type"),
                        r.getLong("attribute_type_oid"), Query.string(r, "collation")))));
        List<UserType> types = new ArrayList<>(rows.size());
        for (TypeRow t : rows) {
            types.add(new UserType(t.oid(), t.schema(), t.name(), t.kind(), labels.getOrDefault(t.oid(), List.of()),
                    t.domainBaseType(), checks.getOrDefault(t.oid(), List.of()), t.domainDefault(),
                    t.domainNotNull(), attributes.getOrDefault(t.oid(), List.of()), t.rangeSubtype(),
                    t.rangeSubtypeDiff(), t.rangeCanonical(), t.extension(), t.comment(), t.relations()));
        }
        return types;
    }

    private static TypeRow row(ResultSet r) throws SQLException {
        UserTypeKind kind = UserTypeKind.of(r.getString("kind"));
        return new TypeRow(r.getLong("oid"), r.getString("schema"), r.getString("name"), kind,
                Query.string(r, "domain_base_type"), Query.string(r, "domain_default"),
                kind == UserTypeKind.DOMAIN && r.getBoolean("domain_not_null"), Query.string(r, "range_subtype"),
                Query.string(r, "range_subtype_diff"), Query.string(r, "range_canonical"),
                Query.string(r, "extension"), Query.string(r, "comment"), Query.longs(r, "relations"));
    }

    private static <T> Map<Long, List<T>> byType(List<Item<T>> items) {
        Map<Long, List<T>> out = new HashMap<>();
        for (Item<T> item : items) {
            out.computeIfAbsent(item.typeOid(), k -> new ArrayList<>()).add(item.value());
        }
        return out;
    }
}
