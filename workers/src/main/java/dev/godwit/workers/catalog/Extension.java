package dev.godwit.workers.catalog;

/** An installed extension: the target needs it at this version (or a compatible one) before the schema. */
public record Extension(String name, String version, String schema) {
}
