package dev.godwit.workers.catalog;

import java.util.Optional;

/**
 * An object godwit does not create (an event trigger, a publication, an operator, …), read so that the plan can
 * name it.
 *
 * @param schema empty for a database-wide object
 */
public record UnsupportedObject(String kind, Optional<String> schema, String name) {
}
