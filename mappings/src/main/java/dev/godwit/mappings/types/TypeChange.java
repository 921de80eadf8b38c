package dev.godwit.mappings.types;

import java.util.Optional;

/**
 * What a column type change does to the values: nothing, a widening, a narrowing that can lose or reject values,
 * or a conversion godwit cannot judge (the copy then fails on the first value the target type does not accept).
 *
 * @param kind   the verdict
 * @param reason why, for lossy and unknown changes; empty otherwise
 */
public record TypeChange(Kind kind, Optional<String> reason) {

    public enum Kind { SAME, SAFE, LOSSY, UNKNOWN }

    private static final int SMALLINT_DIGITS = 5;
    private static final int INTEGER_DIGITS = 10;
    private static final int BIGINT_DIGITS = 19;

    public boolean lossy() {
        return kind == Kind.LOSSY;
    }

    public static TypeChange between(PgType from, PgType to) {
        if (from.equals(to)) {
            return new TypeChange(Kind.SAME, Optional.empty());
        }
        if (from.arrayDimensions() != to.arrayDimensions()) {
            return unknown(from, to);
        }
        if (from.isArray()) {
            TypeChange element = between(from.elementType(), to.elementType());
            return element.kind == Kind.SAME ? new TypeChange(Kind.SAFE, Optional.empty()) : element;
        }
        if (to.name().equals("text")) {
            // Every type has a text form; nothing is lost by landing it in text.
            return safe();
        }
        TypeCategory source = from.category();
        TypeCategory target = to.category();
        return switch (source) {
            case STRING -> target == TypeCategory.STRING ? stringToString(from, to) : unknown(from, to);
            case INTEGER -> fromInteger(from, to);
            case NUMERIC -> fromNumeric(from, to);
            case FLOAT -> fromFloat(from, to);
            case TIMESTAMPTZ -> switch (target) {
                case TIMESTAMPTZ -> fraction(from, to);
                case TIMESTAMP -> lossy("timestamp with time zone to timestamp without time zone drops the time zone");
                case DATE -> lossy("timestamp with time zone to date drops the time of day");
                default -> unknown(from, to);
            };
            case TIMESTAMP -> switch (target) {
                case TIMESTAMP, TIMESTAMPTZ -> fraction(from, to);
                case DATE -> lossy("timestamp to date drops the time of day");
                default -> unknown(from, to);
            };
            case TIME, TIMETZ -> target == source ? fraction(from, to) : unknown(from, to);
            case DATE -> target == TypeCategory.TIMESTAMP || target == TypeCategory.TIMESTAMPTZ ? safe() : unknown(from, to);
            default -> unknown(from, to);
        };
    }

    private static TypeChange stringToString(PgType from, PgType to) {
        if (to.name().equals("character varying") && to.modifiers().isEmpty()) {
            return safe();
        }
        int targetLength = to.firstModifier().orElse(to.name().equals("character") ? 1 : Integer.MAX_VALUE);
        if (from.name().equals("text") || from.modifiers().isEmpty() && from.name().equals("character varying")) {
            return lossy(from.sql() + " to " + to.sql() + " cuts strings longer than " + targetLength);
        }
        int sourceLength = from.firstModifier().orElse(1);
        if (targetLength < sourceLength) {
            return lossy("length " + sourceLength + " to " + targetLength + " cuts longer strings");
        }
        // character(n) pads and varchar keeps trailing spaces as written: no value is lost either way.
        return safe();
    }

    private static TypeChange fromInteger(PgType from, PgType to) {
        int digits = integerDigits(from.name());
        return switch (to.category()) {
            case INTEGER -> integerDigits(to.name()) < digits
                    ? lossy(from.sql() + " to " + to.sql() + " rejects values out of range") : safe();
            case NUMERIC -> {
                if (to.modifiers().isEmpty()) {
                    yield safe();
                }
                int integerPart = to.modifiers().get(0) - scaleOf(to);
                yield integerPart < digits ? lossy(from.sql() + " to " + to.sql() + " rejects values with more than "
                        + integerPart + " digits") : safe();
            }
            case FLOAT -> (to.name().equals("real") && digits > SMALLINT_DIGITS)
                    || (to.name().equals("double precision") && digits > INTEGER_DIGITS)
                    ? lossy(from.sql() + " to " + to.sql() + " rounds large values") : safe();
            default -> unknown(from, to);
        };
    }

    private static TypeChange fromNumeric(PgType from, PgType to) {
        boolean unconstrained = from.modifiers().isEmpty();
        int fromScale = scaleOf(from);
        int fromIntegerPart = unconstrained ? Integer.MAX_VALUE : from.modifiers().get(0) - fromScale;
        return switch (to.category()) {
            case NUMERIC -> {
                if (to.modifiers().isEmpty()) {
                    yield safe();
                }
                if (unconstrained) {
                    yield lossy("numeric to " + to.sql() + " rounds or rejects values that do not fit");
                }
                int toScale = scaleOf(to);
                if (toScale < fromScale) {
                    yield lossy("scale " + fromScale + " to " + toScale + " rounds away decimal places");
                }
                yield to.modifiers().get(0) - toScale < fromIntegerPart
                        ? lossy("precision " + from.sql() + " to " + to.sql() + " rejects large values") : safe();
            }
            case INTEGER -> fromScale == 0 && fromIntegerPart < integerDigits(to.name())
                    ? safe() : lossy(from.sql() + " to " + to.sql() + " rounds away decimals or rejects large values");
            case FLOAT -> to.name().equals("double precision") && !unconstrained && from.modifiers().get(0) <= 15
                    ? safe() : lossy(from.sql() + " to " + to.sql() + " keeps only " + (to.name().equals("real") ? 6 : 15)
                    + " significant digits");
            default -> unknown(from, to);
        };
    }

    private static TypeChange fromFloat(PgType from, PgType to) {
        return switch (to.category()) {
            case FLOAT -> from.name().equals("double precision") && to.name().equals("real")
                    ? lossy("double precision to real keeps only 6 significant digits") : safe();
            case INTEGER -> lossy(from.sql() + " to " + to.sql() + " rounds away decimals");
            case NUMERIC -> to.modifiers().isEmpty() ? safe() : lossy(from.sql() + " to " + to.sql() + " rounds values");
            default -> unknown(from, to);
        };
    }

    private static TypeChange fraction(PgType from, PgType to) {
        int fromDigits = from.firstModifier().orElse(6);
        int toDigits = to.firstModifier().orElse(6);
        return toDigits < fromDigits
                ? lossy("fractional seconds " + fromDigits + " to " + toDigits + " digits rounds the time") : safe();
    }

    private static int integerDigits(String name) {
        return switch (name) {
            case "smallint" -> SMALLINT_DIGITS;
            case "integer" -> INTEGER_DIGITS;
            default -> BIGINT_DIGITS;
        };
    }

    private static int scaleOf(PgType numeric) {
        return numeric.modifiers().size() > 1 ? numeric.modifiers().get(1) : 0;
    }

    private static TypeChange safe() {
        return new TypeChange(Kind.SAFE, Optional.empty());
    }

    private static TypeChange lossy(String reason) {
        return new TypeChange(Kind.LOSSY, Optional.of(reason));
    }

    private static TypeChange unknown(PgType from, PgType to) {
        return new TypeChange(Kind.UNKNOWN, Optional.of("godwit cannot tell whether every " + from.sql()
                + " value converts to " + to.sql() + "; the copy stops at the first value that does not"));
    }
}
