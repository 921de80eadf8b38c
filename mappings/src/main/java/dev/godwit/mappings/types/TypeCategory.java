package dev.godwit.mappings.types;

/** The families that lossy-change detection reasons about. */
public enum TypeCategory {
    INTEGER, NUMERIC, FLOAT, STRING, TIMESTAMP, TIMESTAMPTZ, DATE, TIME, TIMETZ, BOOLEAN, BYTEA, OTHER;

    static TypeCategory of(String canonicalName) {
        return switch (canonicalName) {
            case "smallint", "integer", "bigint" -> INTEGER;
            case "numeric" -> NUMERIC;
            case "real", "double precision" -> FLOAT;
            case "character varying", "character", "text" -> STRING;
            case "timestamp without time zone" -> TIMESTAMP;
            case "timestamp with time zone" -> TIMESTAMPTZ;
            case "date" -> DATE;
            case "time without time zone" -> TIME;
            case "time with time zone" -> TIMETZ;
            case "boolean" -> BOOLEAN;
            case "bytea" -> BYTEA;
            default -> OTHER;
        };
    }
}
