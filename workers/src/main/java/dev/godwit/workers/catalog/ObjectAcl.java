package dev.godwit.workers.catalog;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The owner and the privileges of one object of the source.
 *
 * @param oid      the object's oid; for a column, its relation's
 * @param name     the object's name (a routine's without its arguments: the oid finds the routine)
 * @param column   for {@link Kind#COLUMN}, the column with column-level privileges
 * @param owner    the owning role (a column's is its relation's)
 * @param granted  the privileges the object has
 * @param defaults the privileges CREATE gives such an object of the same owner (none for a column): only the
 *                 difference has to be granted or revoked
 */
public record ObjectAcl(Kind kind, long oid, String schema, String name, Optional<String> column, String owner,
                        List<AclEntry> granted, List<AclEntry> defaults) {

    public ObjectAcl {
        granted = List.copyOf(granted);
        defaults = List.copyOf(defaults);
    }

    /** What the ACL is of. */
    public enum Kind {
        SCHEMA, RELATION, SEQUENCE, COLUMN, ROUTINE, TYPE;

        static Kind of(String text) {
            return valueOf(text.toUpperCase(Locale.ROOT));
        }
    }
}
