package dev.godwit.workers.schema;

import java.util.Locale;
import java.util.Map;

/** Compares type texts as PostgreSQL would resolve them: quoting and the common aliases do not matter. */
final class TypeNames {
    private static final Map<String, String> ALIASES = Map.ofEntries(
            Map.entry("int", "integer"), Map.entry("int4", "integer"), Map.entry("int2", "smallint"),
            Map.entry("int8", "bigint"), Map.entry("float8", "double precision"), Map.entry("float4", "real"),
            Map.entry("bool", "boolean"), Map.entry("varchar", "character varying"), Map.entry("char", "character"),
            Map.entry("bpchar", "character"), Map.entry("timestamptz", "timestamp with time zone"),
            Map.entry("timestamp", "timestamp without time zone"), Map.entry("timetz", "time with time zone"),
            Map.entry("time", "time without time zone"), Map.entry("decimal", "numeric"));

    private TypeNames() {
    }

    static boolean same(String a, String b) {
        return normal(a).equals(normal(b));
    }

    static String normal(String type) {
        String t = type.replace("\"", "").trim().replaceAll("\\s+", " ");
        String array = "";
        while (t.endsWith("[]")) {
            array += "[]";
            t = t.substring(0, t.length() - 2).trim();
        }
        String mod = "";
        int paren = t.indexOf('(');
        if (paren > 0 && t.endsWith(")") && !t.contains(" with")) {
            mod = t.substring(paren).replace(" ", "");
            t = t.substring(0, paren).trim();
        }
        String lower = t.toLowerCase(Locale.ROOT);
        String base = ALIASES.getOrDefault(lower, t);
        if (base.startsWith("pg_catalog.")) {
            base = base.substring("pg_catalog.".length());
        }
        return base + mod + array;
    }
}
