package dev.godwit.workers.catalog;

import java.util.List;
import java.util.Optional;

/**
 * A row-level security policy.
 *
 * @param command {@code polcmd}: {@code r} SELECT, {@code a} INSERT, {@code w} UPDATE, {@code d} DELETE, {@code *} ALL
 * @param roles   role names; an empty Optional is PUBLIC
 */
public record Policy(long relationOid, String name, String command, boolean permissive, List<Optional<String>> roles,
                     Optional<String> using, Optional<String> withCheck, Optional<String> comment) {
    public Policy {
        roles = List.copyOf(roles);
    }
}
