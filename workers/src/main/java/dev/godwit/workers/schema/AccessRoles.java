package dev.godwit.workers.schema;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The roles a target schema's privileges and ownership name; roles are cluster-wide and never migrated, so each
 * must exist on the target before the script runs.
 *
 * @param grantees     the roles grants give privileges to (PUBLIC and the target owner aside)
 * @param owners       the roles objects are given to with {@code ALTER … OWNER TO}, and those whose default
 *                     privileges are altered: the target user must be able to act as each of them
 * @param schemaOwners the roles schemas are given to: PostgreSQL wants CREATE on the database of them
 * @param ownedIn      each owner of objects other than schemas, with the target schemas those objects are in:
 *                     PostgreSQL wants CREATE on the schema of a new owner (the script grants it for the change
 *                     where the target user may, see {@link AccessDdl})
 */
public record AccessRoles(SortedSet<String> grantees, SortedSet<String> owners, SortedSet<String> schemaOwners,
                          SortedMap<String, SortedSet<String>> ownedIn) {

    public AccessRoles {
        grantees = Collections.unmodifiableSortedSet(new TreeSet<>(grantees));
        owners = Collections.unmodifiableSortedSet(new TreeSet<>(owners));
        schemaOwners = Collections.unmodifiableSortedSet(new TreeSet<>(schemaOwners));
        SortedMap<String, SortedSet<String>> copy = new TreeMap<>();
        for (Map.Entry<String, SortedSet<String>> e : ownedIn.entrySet()) {
            copy.put(e.getKey(), Collections.unmodifiableSortedSet(new TreeSet<>(e.getValue())));
        }
        ownedIn = Collections.unmodifiableSortedMap(copy);
    }

    /** Every role named, sorted. */
    public SortedSet<String> all() {
        SortedSet<String> out = new TreeSet<>(grantees);
        out.addAll(owners);
        return Collections.unmodifiableSortedSet(out);
    }
}
