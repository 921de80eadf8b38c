package dev.godwit.mappings.rules;

import dev.godwit.mappings.sql.SqlText;

import java.util.List;
import java.util.Optional;

/**
 * Turns an add-column expression into SQL over the source row. godwit evaluates these expressions in PostgreSQL, not
 * SQLite as DMS does: {@code $column} becomes the quoted source column, {@code $AR_M_SOURCE_SCHEMA} and
 * {@code $AR_M_SOURCE_TABLE_NAME} become literals, and everything else is left to PostgreSQL. String literals and
 * quoted identifiers are copied untouched.
 */
final class ExpressionTranslator {

    /** The translated SQL, or the name of a {@code $column} the table does not have. */
    record Result(String sql, Optional<String> unknownColumn) {
    }

    private ExpressionTranslator() {
    }

    static Result translate(String expression, SourceTable table) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < expression.length()) {
            char c = expression.charAt(i);
            if (c == '\'' || c == '"') {
                int end = closing(expression, i, c);
                out.append(expression, i, end);
                i = end;
            } else if (c == '$' && i + 1 < expression.length() && isNameStart(expression.charAt(i + 1))) {
                int end = i + 1;
                while (end < expression.length() && isNamePart(expression.charAt(end))) {
                    end++;
                }
                String name = expression.substring(i + 1, end);
                Optional<String> replacement = reference(name, table);
                if (replacement.isEmpty()) {
                    return new Result(null, Optional.of(name));
                }
                out.append(replacement.get());
                i = end;
            } else {
                out.append(c);
                i++;
            }
        }
        return new Result(out.toString(), Optional.empty());
    }

    private static Optional<String> reference(String name, SourceTable table) {
        return switch (name) {
            case "AR_M_SOURCE_SCHEMA" -> Optional.of(SqlText.literal(table.schema()));
            case "AR_M_SOURCE_TABLE_NAME" -> Optional.of(SqlText.literal(table.name()));
            default -> table.column(name).map(c -> SqlText.identifier(c.name()));
        };
    }

    /** Index just past the literal or quoted identifier that starts at {@code start}, doubled quotes included. */
    private static int closing(String text, int start, char quote) {
        int i = start + 1;
        while (i < text.length()) {
            if (text.charAt(i) == quote) {
                if (i + 1 < text.length() && text.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return text.length();
    }

    private static boolean isNameStart(char c) {
        return Character.isLetter(c) || c == '_';
    }

    private static boolean isNamePart(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    static List<String> columnNames(SourceTable table) {
        return table.columns().stream().map(SourceColumn::name).toList();
    }
}
