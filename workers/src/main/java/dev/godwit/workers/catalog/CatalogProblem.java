package dev.godwit.workers.catalog;

/**
 * Something the reading role could not see, recorded instead of failing the whole read: the preflight turns these
 * into findings ("grant SELECT on …").
 *
 * @param object the object, as a quoted qualified name
 */
public record CatalogProblem(String object, String problem) {
}
