package dev.godwit.workers.cdc.pgoutput;

/**
 * One published column of a {@link PgOutputMessage.Relation}.
 *
 * @param flags        the raw flags byte; bit 1 = part of the replica identity
 * @param name         the column name
 * @param typeOid      the column type's OID (unsigned 32-bit); a domain's own OID, see {@link PgOutputMessage.Type}
 * @param typeModifier {@code atttypmod}, -1 when the type has none
 */
public record RelationColumn(int flags, String name, long typeOid, int typeModifier) {

    /** The flag bit marking a replica identity column (every column under REPLICA IDENTITY FULL). */
    public static final int FLAG_KEY = 1;

    public RelationColumn {
        if (name == null) {
            throw new IllegalArgumentException("column name is required");
        }
    }

    /** Whether the column is part of the replica identity, i.e. present in 'K' tuples. */
    public boolean isKey() {
        return (flags & FLAG_KEY) != 0;
    }
}
