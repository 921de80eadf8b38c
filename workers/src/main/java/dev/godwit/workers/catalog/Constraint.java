package dev.godwit.workers.catalog;

import java.util.List;
import java.util.OptionalLong;

/**
 * A table constraint; NOT NULL is a {@link Column} property, not a constraint here.
 *
 * @param definition         {@code pg_get_constraintdef}, e.g. {@code FOREIGN KEY (a) REFERENCES s.t(id)}
 * @param inherited          made by a parent (a partitioned table's constraint, or inheritance), so the target
 *                           gets it from the parent's DDL and must not create it again
 * @param referencedTableOid for a foreign key, the referenced relation
 * @param columns            the constrained columns in key order (empty for a CHECK on an expression)
 */
public record Constraint(String name, ConstraintType type, String definition, boolean inherited,
                         OptionalLong referencedTableOid, boolean validated, boolean deferrable,
                         boolean initiallyDeferred, List<String> columns) {
    public Constraint {
        columns = List.copyOf(columns);
    }
}
