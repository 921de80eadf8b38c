package dev.godwit.workers.catalog;

/** What a relation is, from {@code pg_class.relkind}. */
public enum TableKind {
    TABLE('r'), PARTITIONED('p'), VIEW('v'), MATERIALIZED_VIEW('m'), FOREIGN('f');

    private final char relkind;

    TableKind(char relkind) {
        this.relkind = relkind;
    }

    public char relkind() {
        return relkind;
    }

    /** Whether rows of this kind are stored in the relation itself and can be copied out of it. */
    public boolean holdsRows() {
        return this == TABLE || this == MATERIALIZED_VIEW;
    }

    static TableKind of(String relkind) {
        for (TableKind k : values()) {
            if (k.relkind == relkind.charAt(0)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unexpected relkind " + relkind);
    }
}
