package dev.godwit.workers.catalog;

/** Identity of a column, from {@code pg_attribute.attidentity}. */
public enum Identity {
    NONE, ALWAYS, BY_DEFAULT;

    static Identity of(String code) {
        return switch (code == null ? "" : code) {
            case "a" -> ALWAYS;
            case "d" -> BY_DEFAULT;
            case "" -> NONE;
            default -> throw new IllegalArgumentException("unexpected attidentity " + code);
        };
    }
}
