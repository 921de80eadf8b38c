package dev.godwit.mappings.types;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * DMS data-type names and PostgreSQL types, both ways. Towards PostgreSQL it follows the DMS target table, except
 * where DMS's limits come from other engines: {@code string(n)} stays {@code varchar(n)} up to PostgreSQL's own limit,
 * and unsigned integers move up one size so that every value fits. A name that is not a DMS type is taken as a
 * PostgreSQL type name as written (a godwit extension: {@code jsonb}, {@code timestamptz}, {@code numeric(20,4)}).
 */
public final class DmsTypes {

    public static final Set<String> NAMES = Set.of("bytes", "date", "time", "datetime", "int1", "int2", "int4",
            "int8", "numeric", "real4", "real8", "string", "uint1", "uint2", "uint4", "uint8", "wstring", "blob",
            "nclob", "clob", "boolean", "set", "list", "map", "tuple");

    /** PostgreSQL's varchar limit; longer strings become text. */
    static final int MAX_VARCHAR = 10_485_760;

    private DmsTypes() {
    }

    public static boolean isDmsType(String name) {
        return NAMES.contains(name.toLowerCase(Locale.ROOT));
    }

    /**
     * The PostgreSQL type for a {@code data-type} object.
     *
     * @throws IllegalArgumentException with a message fit for the user when the spec cannot be mapped
     */
    public static PgType toPostgres(DataTypeSpec spec) {
        String type = spec.type().trim();
        if (type.isEmpty()) {
            throw new IllegalArgumentException("data-type.type is empty; expected a DMS type such as string, int4,"
                    + " numeric, datetime, or a PostgreSQL type name");
        }
        if (!isDmsType(type)) {
            return postgresName(type, spec);
        }
        return switch (type.toLowerCase(Locale.ROOT)) {
            case "string", "wstring" -> string(spec.length());
            case "numeric" -> numeric(spec);
            case "int1", "int2", "uint1" -> simple("smallint");
            case "int4", "uint2" -> simple("integer");
            case "int8", "uint4" -> simple("bigint");
            // uint8 reaches 18446744073709551615, which bigint cannot hold.
            case "uint8" -> new PgType("numeric", List.of(20, 0), 0);
            case "real4" -> simple("real");
            case "real8" -> simple("double precision");
            case "boolean" -> simple("boolean");
            case "date" -> simple("date");
            case "time" -> withFraction("time without time zone", spec.precision());
            case "datetime" -> withFraction("timestamp without time zone", spec.precision());
            case "bytes", "blob" -> simple("bytea");
            case "clob", "nclob" -> simple("text");
            default -> throw new IllegalArgumentException("DMS type '" + type + "' has no PostgreSQL equivalent;"
                    + " write a PostgreSQL type name instead, e.g. jsonb");
        };
    }

    private static PgType simple(String name) {
        return new PgType(name, List.of(), 0);
    }

    private static PgType string(OptionalInt length) {
        if (length.isEmpty()) {
            return simple("text");
        }
        int n = length.getAsInt();
        if (n < 1) {
            throw new IllegalArgumentException("data-type.length " + n + " is not a valid length; expected 1 or more");
        }
        return n > MAX_VARCHAR ? simple("text") : new PgType("character varying", List.of(n), 0);
    }

    private static PgType numeric(DataTypeSpec spec) {
        if (spec.precision().isEmpty()) {
            if (spec.scale().isPresent() && spec.scale().getAsInt() != 0) {
                throw new IllegalArgumentException("data-type.scale is given without data-type.precision");
            }
            return simple("numeric");
        }
        int precision = spec.precision().getAsInt();
        int scale = spec.scale().orElse(0);
        if (precision < 1 || precision > 1000) {
            throw new IllegalArgumentException("data-type.precision " + precision
                    + " is out of range; PostgreSQL numeric precision is 1 to 1000");
        }
        if (scale < 0 || scale > precision) {
            throw new IllegalArgumentException("data-type.scale " + scale + " is out of range; expected 0 to the precision ("
                    + precision + ")");
        }
        return new PgType("numeric", List.of(precision, scale), 0);
    }

    private static PgType withFraction(String name, OptionalInt precision) {
        if (precision.isEmpty()) {
            return simple(name);
        }
        int p = precision.getAsInt();
        if (p < 0 || p > 6) {
            // DMS itself would fall back to VARCHAR(37) for 7-9 digits; a text timestamp is rarely what anyone wants.
            throw new IllegalArgumentException("data-type.precision " + p + " is out of range; PostgreSQL keeps 0 to 6"
                    + " fractional-second digits");
        }
        return new PgType(name, List.of(p), 0);
    }

    private static PgType postgresName(String type, DataTypeSpec spec) {
        PgType parsed = PgType.parse(type);
        if (!parsed.modifiers().isEmpty()) {
            return parsed;
        }
        // A bare PostgreSQL name may take its modifiers from the DMS fields, e.g. {type: varchar, length: 20}.
        if (spec.length().isPresent()) {
            return new PgType(parsed.name(), List.of(spec.length().getAsInt()), parsed.arrayDimensions());
        }
        if (spec.precision().isPresent()) {
            List<Integer> mods = spec.scale().isPresent() && parsed.category() == TypeCategory.NUMERIC
                    ? List.of(spec.precision().getAsInt(), spec.scale().getAsInt())
                    : List.of(spec.precision().getAsInt());
            return new PgType(parsed.name(), mods, parsed.arrayDimensions());
        }
        return parsed;
    }

    /**
     * The DMS type a PostgreSQL source column is seen as, for {@code object-locator.data-type}: the PostgreSQL
     * source table of the DMS guide. User-defined types are seen as {@code string}, as DMS does.
     */
    public static Optional<String> dmsTypeOf(PgType type) {
        if (type.isArray()) {
            return Optional.of("nclob");
        }
        return Optional.ofNullable(switch (type.name()) {
            case "integer" -> "int4";
            case "smallint" -> "int2";
            case "bigint" -> "int8";
            case "numeric" -> type.firstModifier().orElse(0) >= 39 ? "string" : "numeric";
            case "real" -> "real4";
            case "double precision" -> "real8";
            case "character", "character varying" -> "wstring";
            case "text", "json", "jsonb", "hstore" -> "nclob";
            case "xml", "tsvector" -> "clob";
            case "bytea" -> "blob";
            case "timestamp without time zone", "timestamp with time zone" -> "datetime";
            case "date" -> "date";
            case "time without time zone", "time with time zone" -> "time";
            case "boolean" -> "boolean";
            default -> "string";
        });
    }
}
