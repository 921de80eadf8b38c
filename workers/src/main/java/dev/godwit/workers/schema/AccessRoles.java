package dev.godwit.workers.schema;

import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The roles a target schema's privileges and ownership name; roles are cluster-wide and never migrated, so each
 * must exist on the target before the script runs.
 *
 * @param grantees the roles grants give privileges to (PUBLIC and the target owner aside)
 * @param owners   the roles objects are given to with {@code ALTER … OWNER TO}, and those whose default privileges
 *                 are altered: the target user must be able to act as each of them
 */
public record AccessRoles(SortedSet<String> grantees, SortedSet<String> owners) {

    public AccessRoles {
        grantees = Collections.unmodifiableSortedSet(new TreeSet<>(grantees));
        owners = Collections.unmodifiableSortedSet(new TreeSet<>(owners));
    }

    /** Every role named, sorted. */
    public SortedSet<String> all() {
        SortedSet<String> out = new TreeSet<>(grantees);
        out.addAll(owners);
        return Collections.unmodifiableSortedSet(out);
    }
}
