package dev.godwit.mappings.sql;

/**
 * Quoting for generated SQL. Identifiers are always quoted so that catalog spellings (mixed case, reserved words)
 * survive unchanged; literals are standard-conforming strings, which is what every supported server runs with.
 */
public final class SqlText {

    private SqlText() {
    }

    /** {@code "name"} with embedded double quotes doubled. */
    public static String identifier(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /** {@code "schema"."name"}. */
    public static String qualified(String schema, String name) {
        return identifier(schema) + '.' + identifier(name);
    }

    /** {@code 'text'} with embedded single quotes doubled; a NUL cannot be represented and is refused. */
    public static String literal(String text) {
        if (text.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a PostgreSQL string literal cannot hold a NUL character");
        }
        return '\'' + text.replace("'", "''") + '\'';
    }
}
