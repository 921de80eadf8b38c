package dev.godwit.workers.catalog;

import java.util.Optional;

/**
 * A user-defined operator.
 *
 * @param leftType   empty for a prefix operator
 * @param rightType  empty for a postfix operator (gone in PostgreSQL 14)
 * @param function   the function's qualified name
 * @param commutator {@code OPERATOR(schema.name)}, as are {@code negator}
 * @param restrict   the restriction estimator's qualified name, as is {@code join}
 */
public record Operator(long oid, String schema, String name, Optional<String> leftType, Optional<String> rightType,
                       String function, long functionOid, Optional<String> commutator, Optional<String> negator,
                       Optional<String> restrict, Optional<String> join, boolean hashes, boolean merges,
                       Optional<String> comment) {
}
