package dev.godwit.workers.catalog;

import java.util.List;
import java.util.Optional;

/**
 * A user type that a column of the catalog needs, directly or through arrays, domains, composites and ranges.
 *
 * @param enumLabels          the labels of an enum, in sort order
 * @param domainBaseType      the base type of a domain, as {@code format_type} prints it
 * @param domainConstraints   {@code CONSTRAINT "name" CHECK (...)} of a domain, by name
 * @param compositeAttributes the attributes of a composite type, in order
 * @param rangeSubtype        the subtype of a range type
 * @param extension           the extension the type belongs to: CREATE EXTENSION makes it, not DDL
 * @param relations           the tables and views whose row type it is built on (a domain over a table's row type, a
 *                            composite with such an attribute, through arrays and other types): it comes after them
 */
public record UserType(long oid, String schema, String name, UserTypeKind kind, List<String> enumLabels,
                       Optional<String> domainBaseType, List<String> domainConstraints, Optional<String> domainDefault,
                       boolean domainNotNull, List<Attribute> compositeAttributes, Optional<String> rangeSubtype,
                       Optional<String> rangeSubtypeDiff, Optional<String> rangeCanonical, Optional<String> extension,
                       Optional<String> comment, List<Long> relations) {

    public UserType {
        enumLabels = List.copyOf(enumLabels);
        domainConstraints = List.copyOf(domainConstraints);
        compositeAttributes = List.copyOf(compositeAttributes);
        relations = List.copyOf(relations);
    }

    public String qualifiedName() {
        return Identifiers.qualified(schema, name);
    }

    public boolean fromExtension() {
        return extension.isPresent();
    }
}
