package dev.godwit.workers.cdc.pgoutput;

import java.util.Optional;

/** A relation's {@code pg_class.relreplident}, as sent in the Relation message. */
public enum ReplicaIdentity {
    /** 'd': the primary key, if there is one. */
    DEFAULT('d'),
    /** 'n': nothing; UPDATE and DELETE cannot be published. */
    NOTHING('n'),
    /** 'f': the whole old row is sent ('O' tuples). */
    FULL('f'),
    /** 'i': a chosen unique index ({@code REPLICA IDENTITY USING INDEX}). */
    INDEX('i');

    private final char wireCode;

    ReplicaIdentity(char wireCode) {
        this.wireCode = wireCode;
    }

    public char wireCode() {
        return wireCode;
    }

    public static Optional<ReplicaIdentity> fromWireCode(int code) {
        for (ReplicaIdentity identity : values()) {
            if (identity.wireCode == code) {
                return Optional.of(identity);
            }
        }
        return Optional.empty();
    }
}
