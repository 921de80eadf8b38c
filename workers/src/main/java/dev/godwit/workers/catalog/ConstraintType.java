package dev.godwit.workers.catalog;

/** The table constraints godwit recreates, from {@code pg_constraint.contype}. */
public enum ConstraintType {
    PRIMARY_KEY, UNIQUE, CHECK, FOREIGN_KEY, EXCLUSION;

    static ConstraintType of(String contype) {
        return switch (contype) {
            case "p" -> PRIMARY_KEY;
            case "u" -> UNIQUE;
            case "c" -> CHECK;
            case "f" -> FOREIGN_KEY;
            case "x" -> EXCLUSION;
            default -> throw new IllegalArgumentException("unexpected contype " + contype);
        };
    }
}
