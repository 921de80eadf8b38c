package dev.godwit.workers.catalog;

import java.util.Optional;

/** An attribute of a composite type: {@code type} as {@code format_type} prints it. */
public record Attribute(String name, String type, long typeOid, Optional<String> collation) {
}
