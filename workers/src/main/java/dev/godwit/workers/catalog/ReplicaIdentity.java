package dev.godwit.workers.catalog;

/** What a table writes to WAL to identify an updated or deleted row, from {@code pg_class.relreplident}. */
public enum ReplicaIdentity {
    DEFAULT('d'), NOTHING('n'), FULL('f'), INDEX('i');

    private final char code;

    ReplicaIdentity(char code) {
        this.code = code;
    }

    static ReplicaIdentity of(String code) {
        for (ReplicaIdentity r : values()) {
            if (r.code == code.charAt(0)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unexpected relreplident " + code);
    }
}
