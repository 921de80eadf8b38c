package dev.godwit.mappings.types;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PostgreSQL column type, parsed from {@code format_type()} text or from a type name a user wrote, normalised so
 * that {@code varchar(20)} and {@code character varying(20)} compare equal. Types godwit does not know (enums,
 * domains, extension types) keep their spelling and compare by it.
 *
 * @param name       canonical base name, e.g. {@code character varying}, {@code timestamp with time zone}, {@code public.mood}
 * @param modifiers  type modifiers in order (length; precision and scale; fractional-second precision)
 * @param arrayDimensions number of {@code []} suffixes
 */
public record PgType(String name, List<Integer> modifiers, int arrayDimensions) {

    private static final Map<String, String> ALIASES = Map.ofEntries(
            Map.entry("int", "integer"), Map.entry("int4", "integer"), Map.entry("integer", "integer"),
            Map.entry("int2", "smallint"), Map.entry("smallint", "smallint"),
            Map.entry("int8", "bigint"), Map.entry("bigint", "bigint"),
            Map.entry("float4", "real"), Map.entry("real", "real"),
            Map.entry("float8", "double precision"), Map.entry("double precision", "double precision"),
            Map.entry("float", "double precision"),
            Map.entry("bool", "boolean"), Map.entry("boolean", "boolean"),
            Map.entry("decimal", "numeric"), Map.entry("numeric", "numeric"),
            Map.entry("varchar", "character varying"), Map.entry("character varying", "character varying"),
            Map.entry("char", "character"), Map.entry("character", "character"), Map.entry("bpchar", "character"),
            Map.entry("text", "text"), Map.entry("bytea", "bytea"), Map.entry("date", "date"),
            Map.entry("timestamp", "timestamp without time zone"),
            Map.entry("timestamp without time zone", "timestamp without time zone"),
            Map.entry("timestamptz", "timestamp with time zone"),
            Map.entry("timestamp with time zone", "timestamp with time zone"),
            Map.entry("time", "time without time zone"), Map.entry("time without time zone", "time without time zone"),
            Map.entry("timetz", "time with time zone"), Map.entry("time with time zone", "time with time zone"),
            Map.entry("interval", "interval"), Map.entry("uuid", "uuid"), Map.entry("json", "json"),
            Map.entry("jsonb", "jsonb"), Map.entry("xml", "xml"),
            Map.entry("varbit", "bit varying"), Map.entry("bit varying", "bit varying"), Map.entry("bit", "bit"));

    private static final Pattern ARRAY_SUFFIX = Pattern.compile("\\s*\\[\\d*]\\s*$");
    // format_type() puts the precision of time types between the words: "timestamp(3) with time zone".
    private static final Pattern TIME_TYPE = Pattern.compile(
            "(timestamp|time)\\s*(?:\\(\\s*(\\d+)\\s*\\))?\\s*(with time zone|without time zone)?",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern SHORT_TIME_TYPE = Pattern.compile(
            "(timestamptz|timetz)\\s*(?:\\(\\s*(\\d+)\\s*\\))?", Pattern.CASE_INSENSITIVE);
    private static final Pattern WITH_MODIFIERS = Pattern.compile("(.+?)\\s*\\(\\s*(\\d+(?:\\s*,\\s*-?\\d+)*)\\s*\\)");

    public PgType {
        modifiers = List.copyOf(modifiers);
    }

    /** Parses type text; never fails: what it does not recognise is kept as written. */
    public static PgType parse(String text) {
        String rest = text.trim().replaceAll("\\s+", " ");
        int dimensions = 0;
        Matcher array = ARRAY_SUFFIX.matcher(rest);
        while (array.find()) {
            dimensions++;
            rest = rest.substring(0, array.start());
            array = ARRAY_SUFFIX.matcher(rest);
        }
        Matcher time = TIME_TYPE.matcher(rest);
        if (time.matches()) {
            String zone = time.group(3) == null ? "without time zone" : time.group(3).toLowerCase(Locale.ROOT);
            return new PgType(time.group(1).toLowerCase(Locale.ROOT) + " " + zone, modifierList(time.group(2)), dimensions);
        }
        Matcher shortTime = SHORT_TIME_TYPE.matcher(rest);
        if (shortTime.matches()) {
            return new PgType(ALIASES.get(shortTime.group(1).toLowerCase(Locale.ROOT)), modifierList(shortTime.group(2)), dimensions);
        }
        List<Integer> modifiers = List.of();
        Matcher withModifiers = WITH_MODIFIERS.matcher(rest);
        if (withModifiers.matches()) {
            rest = withModifiers.group(1);
            modifiers = modifierList(withModifiers.group(2));
        }
        String canonical = ALIASES.getOrDefault(rest.toLowerCase(Locale.ROOT), rest);
        return new PgType(canonical, modifiers, dimensions);
    }

    private static List<Integer> modifierList(String text) {
        List<Integer> values = new ArrayList<>();
        if (text != null) {
            for (String part : text.split(",")) {
                values.add(Integer.parseInt(part.trim()));
            }
        }
        return values;
    }

    public boolean isArray() {
        return arrayDimensions > 0;
    }

    public TypeCategory category() {
        return isArray() ? TypeCategory.OTHER : TypeCategory.of(name);
    }

    /** The length, precision or first modifier, if any. */
    public java.util.OptionalInt firstModifier() {
        return modifiers.isEmpty() ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(modifiers.get(0));
    }

    /** The same type without array dimensions. */
    public PgType elementType() {
        return new PgType(name, modifiers, 0);
    }

    /** SQL text in {@code format_type()} style, usable in DDL and casts. */
    public String sql() {
        StringBuilder text = new StringBuilder();
        String mods = modifiers.isEmpty() ? "" : "(" + String.join(",", modifiers.stream().map(String::valueOf).toList()) + ")";
        if (name.startsWith("timestamp ") || name.startsWith("time ")) {
            int space = name.indexOf(' ');
            text.append(name, 0, space).append(mods).append(name.substring(space));
        } else {
            text.append(name).append(mods);
        }
        text.append("[]".repeat(arrayDimensions));
        return text.toString();
    }

    @Override
    public String toString() {
        return sql();
    }
}
