package dev.godwit.workers.schema;

import java.util.Optional;

/**
 * Where an object whose owner and privileges the source has lands on the target.
 *
 * @param on         the object as GRANT names it after ON ({@code TABLE "app"."t"}, {@code SEQUENCE …},
 *                   {@code FUNCTION "app"."f"(integer)}, …)
 * @param alterOwner the ALTER command that changes its owner, up to OWNER TO ({@code ALTER VIEW "app"."v"});
 *                   empty where the owner follows another object's (a sequence owned by a column follows its table)
 * @param column     the target column, for a column's privileges
 * @param schema     the target schema it is in (a schema: itself), where a new owner needs CREATE
 */
record AccessTarget(String on, Optional<String> alterOwner, Optional<String> column, String schema) {
}
