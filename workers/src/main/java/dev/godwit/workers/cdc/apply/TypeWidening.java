package dev.godwit.workers.cdc.apply;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a column's new type (as {@code format_type} prints it) holds every value of its old one unchanged, so the
 * target can take the source's {@code ALTER COLUMN … TYPE} without losing or changing a value: integers to wider
 * integers or numeric, real to double precision, character varying to a longer one or to text, numeric to a larger
 * precision with the same scale, or to unconstrained numeric.
 */
final class TypeWidening {
    private static final Map<String, List<String>> WIDER = Map.of(
            "smallint", List.of("integer", "bigint", "numeric"),
            "integer", List.of("bigint", "numeric"),
            "bigint", List.of("numeric"),
            "real", List.of("double precision"),
            "character varying", List.of("text"));
    private static final Pattern VARCHAR = Pattern.compile("character varying\\((\\d+)\\)");
    private static final Pattern NUMERIC = Pattern.compile("numeric\\((\\d+),(\\d+)\\)");

    private TypeWidening() {
    }

    static boolean widens(String from, String to) {
        if (from.equals(to) || WIDER.getOrDefault(from, List.of()).contains(to)) {
            return true;
        }
        Matcher fromVarchar = VARCHAR.matcher(from);
        if (fromVarchar.matches()) {
            Matcher toVarchar = VARCHAR.matcher(to);
            return to.equals("text") || to.equals("character varying")
                    || toVarchar.matches() && Integer.parseInt(toVarchar.group(1)) >= Integer.parseInt(fromVarchar.group(1));
        }
        Matcher fromNumeric = NUMERIC.matcher(from);
        if (fromNumeric.matches()) {
            Matcher toNumeric = NUMERIC.matcher(to);
            return to.equals("numeric") || toNumeric.matches() && toNumeric.group(2).equals(fromNumeric.group(2))
                    && Integer.parseInt(toNumeric.group(1)) >= Integer.parseInt(fromNumeric.group(1));
        }
        return (from.equals("smallint") || from.equals("integer") || from.equals("bigint")) && NUMERIC.matcher(to).matches()
                && Integer.parseInt(NUMERIC.matcher(to).replaceAll("$2")) == 0
                && Integer.parseInt(NUMERIC.matcher(to).replaceAll("$1")) >= digits(from);
    }

    private static int digits(String integerType) {
        return switch (integerType) {
            case "smallint" -> 5;
            case "integer" -> 10;
            default -> 19;
        };
    }
}
