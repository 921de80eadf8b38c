package dev.godwit.workers.catalog;

/** The kinds of user type a column can need, from {@code pg_type.typtype}. */
public enum UserTypeKind {
    ENUM, DOMAIN, COMPOSITE, RANGE, BASE;

    static UserTypeKind of(String typtype) {
        return switch (typtype) {
            case "e" -> ENUM;
            case "d" -> DOMAIN;
            case "c" -> COMPOSITE;
            case "r" -> RANGE;
            case "b" -> BASE;
            default -> throw new IllegalArgumentException("unexpected typtype " + typtype);
        };
    }
}
