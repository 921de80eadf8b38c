package dev.godwit.workers.catalog;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * A sequence.
 *
 * @param dataType  {@code smallint}, {@code integer} or {@code bigint}
 * @param lastValue empty when nextval was never called or the role may not read the sequence
 * @param isCalled  whether nextval has been called (false too when unreadable, see {@code readable})
 * @param identity  the sequence of an identity column: created by the column, not by CREATE SEQUENCE
 * @param readable  whether the role has SELECT or USAGE on it; without, the current value is unknown
 */
public record Sequence(String schema, String name, String dataType, long start, long increment, long min, long max,
                       boolean cycle, long cache, OptionalLong lastValue, boolean isCalled, Optional<OwnedBy> ownedBy,
                       boolean identity, boolean readable, boolean unlogged, Optional<String> comment) {

    public String qualifiedName() {
        return Identifiers.qualified(schema, name);
    }
}
