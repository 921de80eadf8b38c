package dev.godwit.workers.schema;

import dev.godwit.mappings.sql.SqlText;
import dev.godwit.workers.catalog.AclEntry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The GRANT and REVOKE statements that take an object from the privileges CREATE gives it to those it has on the
 * source: what the source's default has and the object lacks is revoked (pg_dump's {@code REVOKE EXECUTE … FROM
 * PUBLIC}), what it has beyond the default is granted, WITH GRANT OPTION where the source has it. The grantor is
 * whoever runs them. The owner's own entries name the owner on the target, which is the task user when owners are
 * not kept.
 *
 * @param prefix      what precedes GRANT or REVOKE ({@code ""}, or {@code ALTER DEFAULT PRIVILEGES … })
 * @param on          the ON clause's object ({@code TABLE "app"."t"}, {@code FUNCTION …}, {@code TABLES})
 * @param owner       the source owner, whose entries are the target owner's
 * @param ownerSpec   how the target owner is named ({@code "app_owner"} or {@code CURRENT_USER})
 * @param privilege   how a privilege is written ({@code SELECT}, or {@code SELECT ("col")} for a column)
 */
record AclText(String prefix, String on, String owner, String ownerSpec, UnaryOperator<String> privilege) {

    private record Key(Optional<String> grantee, String privilege) {
    }

    /** The statements, revokes first; each role named other than the owner is given to {@code grantee}. */
    List<String> statements(List<AclEntry> granted, List<AclEntry> defaults, Consumer<String> grantee) {
        Map<Key, Boolean> want = index(granted);
        Map<Key, Boolean> have = index(defaults);
        Map<String, Set<String>> revokes = new LinkedHashMap<>();
        Map<String, Set<String>> revokeOptions = new LinkedHashMap<>();
        Map<String, Set<String>> grants = new LinkedHashMap<>();
        Map<String, Set<String>> grantsWithOption = new LinkedHashMap<>();
        have.forEach((key, option) -> {
            Boolean wanted = want.get(key);
            if (wanted == null) {
                add(revokes, role(key, grantee), key.privilege());
            } else if (option && !wanted) {
                add(revokeOptions, role(key, grantee), key.privilege());
            }
        });
        want.forEach((key, option) -> {
            Boolean had = have.get(key);
            if (had == null || (option && !had)) {
                add(option ? grantsWithOption : grants, role(key, grantee), key.privilege());
            }
        });
        List<String> out = new ArrayList<>();
        revokes.forEach((role, p) -> out.add(prefix + "REVOKE " + list(p) + " ON " + on + " FROM " + role));
        revokeOptions.forEach((role, p) -> out.add(prefix + "REVOKE GRANT OPTION FOR " + list(p) + " ON " + on
                + " FROM " + role));
        grants.forEach((role, p) -> out.add(prefix + "GRANT " + list(p) + " ON " + on + " TO " + role));
        grantsWithOption.forEach((role, p) -> out.add(prefix + "GRANT " + list(p) + " ON " + on + " TO " + role
                + " WITH GRANT OPTION"));
        return out;
    }

    /** One entry per grantee and privilege; granted by two grantors, it is grantable if either gave it so. */
    private static Map<Key, Boolean> index(List<AclEntry> entries) {
        Map<Key, Boolean> out = new LinkedHashMap<>();
        for (AclEntry e : entries) {
            out.merge(new Key(e.grantee(), e.privilege()), e.grantable(), Boolean::logicalOr);
        }
        return out;
    }

    private String role(Key key, Consumer<String> grantee) {
        if (key.grantee().isEmpty()) {
            return "PUBLIC";
        }
        String role = key.grantee().get();
        if (role.equals(owner)) {
            return ownerSpec;
        }
        grantee.accept(role);
        return SqlText.identifier(role);
    }

    private static void add(Map<String, Set<String>> into, String role, String privilege) {
        into.computeIfAbsent(role, r -> new LinkedHashSet<>()).add(privilege);
    }

    private String list(Set<String> privileges) {
        return String.join(", ", privileges.stream().map(privilege).toList());
    }
}
