package dev.godwit.workers.catalog;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.OptionalInt;

/** Reads the {@link DefinedObjects}: one query per kind, each in its resource file. */
final class DefinedObjectReader {
    private final Query query;

    DefinedObjectReader(Query query) {
        this.query = query;
    }

    DefinedObjects read() throws SQLException {
        return new DefinedObjects(
                query.list("schemas", r -> new Namespace(r.getString("name"), Query.string(r, "comment"))),
                query.list("extension-comments", r -> new ExtensionComment(r.getString("name"),
                        r.getString("comment"))),
                query.list("storage-options", r -> new StorageOptions(r.getLong("relid"),
                        Query.strings(r, "options"), Query.strings(r, "toast_options"))),
                query.list("column-options", r -> new ColumnOptions(r.getLong("relid"),
                        Query.string(r, "index_name"), r.getInt("attnum"),
                        r.getString("name"), optionalInt(r, "statistics"), Query.string(r, "storage"),
                        Query.strings(r, "options"))),
                query.list("collations", r -> new Collation(r.getString("schema"), r.getString("name"),
                        r.getString("provider"), Query.string(r, "lc_collate"), Query.string(r, "lc_ctype"),
                        Query.string(r, "locale"), r.getBoolean("deterministic"), Query.string(r, "rules"),
                        Query.string(r, "comment"))),
                query.list("statistics-objects", r -> new StatisticsObject(r.getString("schema"),
                        r.getString("name"), r.getLong("relation_oid"), r.getString("definition"),
                        optionalInt(r, "target"), Query.string(r, "comment"))),
                query.list("casts", r -> new Cast(r.getString("source"), r.getString("target"),
                        r.getString("method"), r.getString("context"), Query.string(r, "function"),
                        r.getLong("function_oid"), Query.strings(r, "schemas"), Query.string(r, "comment"))),
                query.list("operators", DefinedObjectReader::operator),
                query.list("text-search-dictionaries", r -> new TextSearchDictionary(r.getString("schema"),
                        r.getString("name"), r.getString("template"), Query.string(r, "options"),
                        Query.string(r, "comment"))),
                query.list("text-search-configurations", r -> new TextSearchConfiguration(r.getString("schema"),
                        r.getString("name"), r.getString("parser"), Query.strings(r, "mappings"),
                        Query.string(r, "comment"))),
                query.list("operator-families", r -> new OperatorFamily(r.getString("schema"), r.getString("name"),
                        r.getString("method"), Query.strings(r, "loose_members"), r.getBoolean("implied"),
                        Query.string(r, "comment"))),
                query.list("operator-classes", r -> new OperatorClass(r.getString("schema"), r.getString("name"),
                        r.getString("method"), r.getBoolean("is_default"), r.getString("type"),
                        r.getString("family"), r.getBoolean("own_family"), Query.strings(r, "members"),
                        Query.string(r, "storage"), Query.string(r, "comment"))));
    }

    private static Operator operator(ResultSet r) throws SQLException {
        return new Operator(r.getLong("oid"), r.getString("schema"), r.getString("name"),
                Query.string(r, "left_type"), Query.string(r, "right_type"), r.getString("function"),
                r.getLong("function_oid"), Query.string(r, "commutator"), Query.string(r, "negator"),
                Query.string(r, "restrict"), Query.string(r, "join_estimator"), r.getBoolean("hashes"),
                r.getBoolean("merges"), Query.string(r, "comment"));
    }

    private static OptionalInt optionalInt(ResultSet r, String column) throws SQLException {
        int v = r.getInt(column);
        return r.wasNull() ? OptionalInt.empty() : OptionalInt.of(v);
    }
}
