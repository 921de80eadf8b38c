package dev.godwit.workers.catalog;

import java.util.Optional;

/**
 * A column of a relation.
 *
 * @param attnum             position in the relation; gaps left by dropped columns are kept
 * @param type               the type as {@code format_type} prints it, e.g. {@code numeric(12,2)}, {@code integer[]}
 * @param typeModifier       {@code atttypmod}, -1 when the type has none
 * @param defaultExpression  the DEFAULT expression; empty for generated and identity columns
 * @param generatedExpression the expression of a generated column
 * @param virtualGenerated   generated when read (PostgreSQL 18's VIRTUAL), not stored
 * @param collation          only when it differs from the type's default, schema-qualified and quoted
 * @param typeName           {@code pg_type.typname}: {@code _int4} for {@code integer[]}
 * @param typeCategory       {@code pg_type.typtype}: b base, e enum, d domain, c composite, r range, m multirange
 * @param largeObject        of type {@code oid} or a domain over it ({@code lo}): the values name large objects
 * @param compression        the column's compression method when set (PostgreSQL 14+): {@code pglz} or {@code lz4}
 */
public record Column(int attnum, String name, String type, long typeOid, int typeModifier, boolean notNull,
                     Optional<String> defaultExpression, Identity identity, Optional<String> generatedExpression,
                     Optional<String> collation, String typeSchema, String typeName, char typeCategory,
                     boolean isArray, boolean largeObject, Optional<String> compression, Optional<String> comment,
                     boolean virtualGenerated) {

    /** A column that is not a virtual generated one. */
    public Column(int attnum, String name, String type, long typeOid, int typeModifier, boolean notNull,
                  Optional<String> defaultExpression, Identity identity, Optional<String> generatedExpression,
                  Optional<String> collation, String typeSchema, String typeName, char typeCategory,
                  boolean isArray, boolean largeObject, Optional<String> compression, Optional<String> comment) {
        this(attnum, name, type, typeOid, typeModifier, notNull, defaultExpression, identity, generatedExpression,
                collation, typeSchema, typeName, typeCategory, isArray, largeObject, compression, comment, false);
    }

    public boolean isGenerated() {
        return generatedExpression.isPresent();
    }

    public boolean isIdentity() {
        return identity != Identity.NONE;
    }

    Column withCompression(String method) {
        return new Column(attnum, name, type, typeOid, typeModifier, notNull, defaultExpression, identity,
                generatedExpression, collation, typeSchema, typeName, typeCategory, isArray, largeObject,
                Optional.of(method), comment, virtualGenerated);
    }
}
