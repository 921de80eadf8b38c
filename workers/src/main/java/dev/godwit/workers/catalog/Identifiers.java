package dev.godwit.workers.catalog;

/** Quoting of SQL identifiers. */
final class Identifiers {
    private Identifiers() {
    }

    /**
     * Always quotes: the keyword lists differ between the source and target major versions, and a quoted lower-case
     * name means the same as the unquoted one.
     */
    static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    static String qualified(String schema, String name) {
        return quote(schema) + "." + quote(name);
    }
}
