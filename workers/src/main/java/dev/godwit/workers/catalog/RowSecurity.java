package dev.godwit.workers.catalog;

/** A relation's row-level security flags: ENABLE and FORCE ROW LEVEL SECURITY. */
public record RowSecurity(long relationOid, boolean enabled, boolean forced) {
}
