package dev.godwit.workers.catalog;

/** The table column a sequence belongs to (OWNED BY, or the identity column it serves). */
public record OwnedBy(String schema, String table, String column) {
}
