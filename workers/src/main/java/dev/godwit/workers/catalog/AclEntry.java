package dev.godwit.workers.catalog;

import java.util.Optional;

/**
 * One privilege of an ACL, as {@code aclexplode} gives it, without its grantor: on the target, whoever runs the
 * grant is the grantor.
 *
 * @param grantee   the role holding it; empty for PUBLIC
 * @param privilege the keyword GRANT takes ({@code SELECT}, {@code EXECUTE}, {@code USAGE}, …)
 * @param grantable held WITH GRANT OPTION
 */
public record AclEntry(Optional<String> grantee, String privilege, boolean grantable) {
}
