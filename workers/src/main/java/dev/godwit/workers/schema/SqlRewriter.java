package dev.godwit.workers.schema;

import dev.godwit.mappings.sql.SqlText;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Rewrites SQL text that the source catalog printed ({@code pg_get_indexdef}, {@code pg_get_constraintdef}, defaults,
 * generated expressions, {@code format_type}) for the target: schema qualifiers, column names and
 * {@code 'name'::regclass} literals. It reads the text token by token, so string literals, function names and
 * qualified names are never mistaken for columns.
 */
final class SqlRewriter {
    private static final Pattern BARE = Pattern.compile("[a-z_][a-z0-9_$]*");

    private SqlRewriter() {
    }

    /** What the text became, and the removed columns it references (then it cannot serve on the target). */
    record Result(String text, Set<String> removedColumns) {
    }

    /** How {@code quote_ident} prints a name: bare when it can be (keywords aside), else quoted. */
    static String printed(String name) {
        return BARE.matcher(name).matches() ? name : SqlText.identifier(name);
    }

    static String printedQualified(String schema, String name) {
        return printed(schema) + "." + printed(name);
    }

    /**
     * @param schemas  source schema to target schema, applied to every {@code schema.} qualifier
     * @param columns  source column to target column; a column mapped to null was removed
     * @param regclass a {@code 'x'::regclass} literal's text to its replacement text (unquoted SQL name)
     */
    static Result rewrite(String sql, Function<String, String> schemas, Map<String, String> columns,
                          Function<String, String> regclass) {
        StringBuilder out = new StringBuilder(sql.length() + 16);
        Set<String> removed = new LinkedHashSet<>();
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\'') {
                int end = endOfQuoted(sql, i, '\'');
                String literal = sql.substring(i, end);
                if (sql.startsWith("::regclass", end)) {
                    String inner = literal.substring(1, literal.length() - 1).replace("''", "'");
                    out.append(SqlText.literal(regclass.apply(inner)));
                } else {
                    out.append(literal);
                }
                i = end;
            } else if (c == '"' || Character.isLetter(c) || c == '_') {
                int end;
                String name;
                if (c == '"') {
                    end = endOfQuoted(sql, i, '"');
                    name = sql.substring(i + 1, end - 1).replace("\"\"", "\"");
                } else {
                    end = i;
                    while (end < n && (Character.isLetterOrDigit(sql.charAt(end)) || sql.charAt(end) == '_'
                            || sql.charAt(end) == '$')) {
                        end++;
                    }
                    name = sql.substring(i, end);
                }
                String original = sql.substring(i, end);
                char before = previousNonSpace(sql, i);
                char after = nextNonSpace(sql, end);
                boolean qualifier = end < n && sql.charAt(end) == '.';
                boolean qualified = before == '.';
                boolean typeName = before == ':';
                if (qualifier && !qualified) {
                    String target = schemas.apply(name);
                    out.append(target.equals(name) ? original : SqlText.identifier(target));
                } else if (!qualifier && !qualified && !typeName && after != '(' && columns.containsKey(name)) {
                    String target = columns.get(name);
                    if (target == null) {
                        removed.add(name);
                        out.append(original);
                    } else {
                        out.append(target.equals(name) ? original : SqlText.identifier(target));
                    }
                } else {
                    out.append(original);
                }
                i = end;
            } else if (Character.isDigit(c)) {
                int end = i;
                while (end < n && (Character.isLetterOrDigit(sql.charAt(end)) || sql.charAt(end) == '_')) {
                    end++;
                }
                out.append(sql, i, end);
                i = end;
            } else {
                out.append(c);
                i++;
            }
        }
        return new Result(out.toString(), removed);
    }

    /** A type as {@code format_type} printed it, with its schema qualifier mapped ({@code sales.t[]}). */
    static String rewriteType(String type, Function<String, String> schemas) {
        return rewrite(type, schemas, Map.of(), s -> s).text();
    }

    /** Splits a printed qualified name ({@code "My S".t}) into schema (if any) and name. */
    static Optional<String[]> splitQualified(String text) {
        String[] parts = new String[2];
        int part = 0;
        int i = 0;
        while (i < text.length()) {
            if (part > 1) {
                return Optional.empty();
            }
            char c = text.charAt(i);
            if (c == '"') {
                int end = endOfQuoted(text, i, '"');
                parts[part++] = text.substring(i + 1, end - 1).replace("\"\"", "\"");
                i = end;
            } else {
                int end = text.indexOf('.', i);
                end = end < 0 ? text.length() : end;
                parts[part++] = text.substring(i, end);
                i = end;
            }
            if (i < text.length()) {
                if (text.charAt(i) != '.') {
                    return Optional.empty();
                }
                i++;
            }
        }
        if (part == 1) {
            return Optional.of(new String[]{null, parts[0]});
        }
        return part == 2 ? Optional.of(parts) : Optional.empty();
    }

    /** The index just past the closing quote of a quoted token starting at {@code start}; doubled quotes are kept. */
    static int endOfQuoted(String s, int start, char quote) {
        int j = start + 1;
        while (j < s.length()) {
            if (s.charAt(j) == quote) {
                if (j + 1 < s.length() && s.charAt(j + 1) == quote) {
                    j += 2;
                    continue;
                }
                return j + 1;
            }
            j++;
        }
        return s.length();
    }

    private static char previousNonSpace(String s, int i) {
        for (int j = i - 1; j >= 0; j--) {
            if (!Character.isWhitespace(s.charAt(j))) {
                return s.charAt(j);
            }
        }
        return 0;
    }

    private static char nextNonSpace(String s, int i) {
        for (int j = i; j < s.length(); j++) {
            if (!Character.isWhitespace(s.charAt(j))) {
                return s.charAt(j);
            }
        }
        return 0;
    }
}
