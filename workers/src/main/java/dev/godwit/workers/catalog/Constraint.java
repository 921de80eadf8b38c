package dev.godwit.workers.catalog;

import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Pattern;

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
    /** An ON UPDATE or ON DELETE action other than NO ACTION and RESTRICT, as pg_get_constraintdef prints it. */
    private static final Pattern REFERENTIAL_ACTION = Pattern.compile("ON (UPDATE|DELETE) (CASCADE|SET NULL|SET DEFAULT)");

    public Constraint {
        columns = List.copyOf(columns);
    }

    /**
     * A foreign key that changes rows of its own table when the referenced row changes (CASCADE, SET NULL, SET
     * DEFAULT): on a target that applies replicated changes it would repeat what the source already replicated.
     */
    public boolean hasReferentialAction() {
        return type == ConstraintType.FOREIGN_KEY && REFERENTIAL_ACTION.matcher(definition).find();
    }
}
