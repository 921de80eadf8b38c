package dev.godwit.workers.catalog;

import java.util.ArrayList;
import java.util.List;

/**
 * Quotes every argument name in the header of a {@code pg_get_functiondef} text. The source server quotes a name
 * only if it is a keyword there, and a newer target may have made it one: a 13 prints {@code json json DEFAULT …},
 * which a 16 or later refuses ({@code json} became a keyword in 16). A quoted name is the same name on every
 * version. Pure text: the names and modes come from {@code proargnames} and {@code proargmodes}.
 */
final class ArgumentNames {
    private ArgumentNames() {
    }

    private record Span(int start, int end) {
    }

    /**
     * @param names {@code proargnames} (empty when no argument has a name), an empty string for an unnamed one
     * @param modes {@code proargmodes} (empty when every argument is IN): {@code i o b v t}
     */
    static String quote(String definition, List<String> names, List<String> modes) {
        if (names.isEmpty()) {
            return definition;
        }
        int open = headerOpen(definition);
        if (open < 0) {
            return definition;
        }
        List<String> headerNames = new ArrayList<>();
        List<String> headerModes = new ArrayList<>();
        List<String> tableNames = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String mode = modes.isEmpty() ? "i" : modes.get(i);
            if (mode.equals("t")) {
                tableNames.add(names.get(i));
            } else {
                headerNames.add(names.get(i));
                headerModes.add(mode);
            }
        }
        StringBuilder out = new StringBuilder(definition);
        List<Span> args = new ArrayList<>();
        int close = arguments(definition, open, args);
        if (close < 0) {
            return definition;
        }
        // the RETURNS TABLE columns come after the header's arguments in the text: rewrite them first
        if (!tableNames.isEmpty()) {
            String returns = "RETURNS TABLE(";
            int table = definition.indexOf(returns, close);
            List<Span> columns = new ArrayList<>();
            if (table >= 0 && arguments(definition, table + returns.length() - 1, columns) >= 0
                    && columns.size() == tableNames.size()) {
                rewrite(out, definition, columns, tableNames, null);
            }
        }
        if (args.size() == headerNames.size()) {
            rewrite(out, definition, args, headerNames, headerModes);
        }
        return out.toString();
    }

    /**
     * The same for {@code pg_get_function_identity_arguments}, which COMMENT ON, GRANT and ALTER … OWNER name a
     * routine by: the IN, INOUT and VARIADIC arguments, without defaults.
     */
    static String quoteIdentity(String identityArguments, List<String> names, List<String> modes) {
        if (names.isEmpty() || identityArguments.isBlank()) {
            return identityArguments;
        }
        List<String> identityNames = new ArrayList<>();
        List<String> identityModes = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String mode = modes.isEmpty() ? "i" : modes.get(i);
            if (!mode.equals("o") && !mode.equals("t")) {
                identityNames.add(names.get(i));
                identityModes.add(mode);
            }
        }
        String text = "(" + identityArguments + ")";
        List<Span> args = new ArrayList<>();
        if (arguments(text, 0, args) != text.length() - 1 || args.size() != identityNames.size()) {
            return identityArguments;
        }
        StringBuilder out = new StringBuilder(text);
        rewrite(out, text, args, identityNames, identityModes);
        return out.substring(1, out.length() - 1);
    }

    /** From the last argument back, so that the earlier spans stay where they are. */
    private static void rewrite(StringBuilder out, String text, List<Span> spans, List<String> names,
                                List<String> modes) {
        for (int i = spans.size() - 1; i >= 0; i--) {
            String name = names.get(i);
            if (name.isEmpty()) {
                continue;
            }
            int at = spans.get(i).start();
            while (at < spans.get(i).end() && Character.isWhitespace(text.charAt(at))) {
                at++;
            }
            String prefix = modes == null ? "" : switch (modes.get(i)) {
                case "o" -> "OUT ";
                case "b" -> "INOUT ";
                case "v" -> "VARIADIC ";
                default -> "";
            };
            if (prefix.isEmpty() && text.startsWith("IN ", at) && !text.startsWith(name + " ", at)) {
                at += 3; // a procedure's IN arguments say so from 14 on
            }
            if (!text.startsWith(prefix, at)) {
                continue;
            }
            at += prefix.length();
            if (text.startsWith(name + " ", at) && text.charAt(at) != '"') {
                out.replace(at, at + name.length(), "\"" + name.replace("\"", "\"\"") + "\"");
            }
        }
    }

    /** Where the argument list's parenthesis opens: the first one after the routine's (maybe quoted) name. */
    private static int headerOpen(String definition) {
        boolean quoted = false;
        for (int i = 0; i < definition.length(); i++) {
            char c = definition.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == '(' && !quoted) {
                return i;
            } else if (c == '\n' && !quoted) {
                return -1;
            }
        }
        return -1;
    }

    /** The top-level comma-separated parts after {@code open}, up to its closing parenthesis (returned). */
    private static int arguments(String text, int open, List<Span> out) {
        int depth = 0;
        boolean single = false;
        boolean dbl = false;
        int start = open + 1;
        for (int i = open + 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (single) {
                single = c != '\'';
            } else if (dbl) {
                dbl = c != '"';
            } else if (c == '\'') {
                single = true;
            } else if (c == '"') {
                dbl = true;
            } else if (c == '(' || c == '[') {
                depth++;
            } else if ((c == ')' || c == ']') && depth > 0) {
                depth--;
            } else if (c == ')') {
                if (i > start || !out.isEmpty()) {
                    out.add(new Span(start, i));
                }
                return i;
            } else if (c == ',' && depth == 0) {
                out.add(new Span(start, i));
                start = i + 1;
            }
        }
        return -1;
    }
}
