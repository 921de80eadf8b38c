package dev.godwit.mappings.rules;

import java.util.Optional;

/**
 * The {@code object-locator} of a transformation rule. Names are matched against the source names, whatever other
 * rules do to them (as DMS does: a table rule names the source schema even when a schema rule renames it).
 *
 * @param dataType {@code object-locator.data-type}: a DMS type name, or (godwit extension) a PostgreSQL type name
 */
public record ObjectLocator(NamePattern schema, Optional<NamePattern> table, Optional<NamePattern> column,
                            Optional<String> dataType) {
}
