package dev.godwit.workers.catalog;

import java.util.List;
import java.util.Optional;

/**
 * One {@code ALTER DEFAULT PRIVILEGES} of the source: what the future objects of one kind that a role creates get.
 *
 * @param schema     the schema it is limited to; empty for every schema
 * @param objectType {@code pg_default_acl.defaclobjtype}: r tables, S sequences, f functions, T types, n schemas
 * @param granted    the privileges those objects get
 * @param defaults   what they would get without it: nothing for a schema's entry (it only adds), the role's
 *                   built-in default for an entry of every schema (it replaces that default)
 */
public record DefaultAcl(String role, Optional<String> schema, String objectType, List<AclEntry> granted,
                         List<AclEntry> defaults) {

    public DefaultAcl {
        granted = List.copyOf(granted);
        defaults = List.copyOf(defaults);
    }
}
