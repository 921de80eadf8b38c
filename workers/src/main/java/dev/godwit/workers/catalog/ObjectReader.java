package dev.godwit.workers.catalog;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Reads the {@link SchemaObjects}: one query per kind of object, each in its resource file. */
final class ObjectReader {
    private final Query query;

    ObjectReader(Query query) {
        this.query = query;
    }

    SchemaObjects read() throws SQLException {
        return new SchemaObjects(
                query.list("routines", ObjectReader::routine),
                query.list("views", r -> new ViewInfo(r.getLong("oid"), r.getString("definition"), Query.strings(r, "options"),
                        Query.longs(r, "relations"), r.getBoolean("reads_itself"),
                        r.getBoolean("populated"))),
                query.list("triggers", r -> new Trigger(r.getLong("relation_oid"), r.getString("name"),
                        r.getString("definition"), r.getString("enabled"), r.getBoolean("is_constraint"),
                        r.getLong("function_oid"), Query.string(r, "comment"))),
                query.list("rules", r -> new Rule(r.getLong("relation_oid"), r.getString("name"),
                        r.getString("definition"), r.getString("enabled"), Query.string(r, "comment"))),
                query.list("policies", ObjectReader::policy),
                query.list("row-security", r -> new RowSecurity(r.getLong("relation_oid"), r.getBoolean("enabled"),
                        r.getBoolean("forced"))),
                query.list("extension-uses", r -> new ExtensionUse(r.getString("extension"), r.getString("schema"))),
                query.list("unsupported-objects", r -> new UnsupportedObject(r.getString("kind"),
                        Query.string(r, "schema"), r.getString("name"))),
                new DefinedObjectReader(query).read(),
                new AccessReader(query).read());
    }

    private static Routine routine(ResultSet r) throws SQLException {
        Routine.Kind kind = Routine.Kind.of(r.getString("kind"));
        Optional<Aggregate> aggregate = kind != Routine.Kind.AGGREGATE ? Optional.empty()
                : Optional.of(new Aggregate(r.getString("agg_kind"), r.getString("agg_sfunc"),
                r.getString("agg_stype"), r.getInt("agg_sspace"), Query.string(r, "agg_finalfunc"),
                r.getBoolean("agg_finalfunc_extra"), r.getString("agg_finalfunc_modify"),
                Query.string(r, "agg_combinefunc"), Query.string(r, "agg_serialfunc"),
                Query.string(r, "agg_deserialfunc"), Query.string(r, "agg_initcond"), Query.string(r, "agg_msfunc"),
                Query.string(r, "agg_minvfunc"), Query.string(r, "agg_mstype"), r.getInt("agg_msspace"),
                Query.string(r, "agg_mfinalfunc"), r.getBoolean("agg_mfinalfunc_extra"),
                r.getString("agg_mfinalfunc_modify"), Query.string(r, "agg_minitcond"),
                Query.string(r, "agg_sortop"), r.getString("parallel")));
        List<String> names = Query.strings(r, "argument_names");
        List<String> modes = Query.strings(r, "argument_modes");
        Optional<String> definition = Query.string(r, "definition").map(d -> ArgumentNames.quote(d, names, modes));
        return new Routine(r.getLong("oid"), r.getString("schema"), r.getString("name"), kind,
                kind == Routine.Kind.AGGREGATE ? r.getString("identity_arguments")
                        : ArgumentNames.quoteIdentity(r.getString("identity_arguments"), names, modes),
                r.getString("language"), definition,
                Query.string(r, "library"), Query.string(r, "search_path"), Query.longs(r, "relations"), aggregate, Query.string(r, "comment"));
    }

    private static Policy policy(ResultSet r) throws SQLException {
        String[] roles = (String[]) r.getArray("roles").getArray();
        List<Optional<String>> names = new ArrayList<>();
        Arrays.stream(roles).forEach(role -> names.add(Optional.ofNullable(role)));
        return new Policy(r.getLong("relation_oid"), r.getString("name"), r.getString("command"),
                r.getBoolean("permissive"), names, Query.string(r, "using_expression"),
                Query.string(r, "check_expression"), Query.string(r, "comment"));
    }

}
