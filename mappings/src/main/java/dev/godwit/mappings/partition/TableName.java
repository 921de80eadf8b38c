package dev.godwit.mappings.partition;

import java.util.Optional;

/** A source table named by schema and name, as a settings key spells it: {@code sales.orders}, {@code "My S"."T.x"}. */
public record TableName(String schema, String name) {

    /**
     * Splits {@code schema.table}; either part may be double-quoted (with {@code ""} for a quote) to hold dots.
     * Empty when the text is not of that form.
     */
    public static Optional<TableName> parse(String text) {
        String[] parts = new String[2];
        int part = 0;
        StringBuilder current = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '"' && current.length() == 0) {
                int j = i + 1;
                while (true) {
                    int close = text.indexOf('"', j);
                    if (close < 0) {
                        return Optional.empty();
                    }
                    if (close + 1 < text.length() && text.charAt(close + 1) == '"') {
                        current.append(text, j, close + 1);
                        j = close + 2;
                    } else {
                        current.append(text, j, close);
                        i = close + 1;
                        break;
                    }
                }
                if (i < text.length() && text.charAt(i) != '.') {
                    return Optional.empty();
                }
            } else if (c == '.') {
                if (part == 1 || current.length() == 0) {
                    return Optional.empty();
                }
                parts[part++] = current.toString();
                current.setLength(0);
                i++;
            } else {
                current.append(c);
                i++;
            }
        }
        if (part != 1 || current.length() == 0) {
            return Optional.empty();
        }
        parts[1] = current.toString();
        return Optional.of(new TableName(parts[0], parts[1]));
    }

    @Override
    public String toString() {
        return schema + "." + name;
    }
}
