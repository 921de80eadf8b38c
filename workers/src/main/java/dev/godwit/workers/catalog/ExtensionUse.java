package dev.godwit.workers.catalog;

/** An object of {@code schema} depends on a member of {@code extension}: the extension must come first. */
public record ExtensionUse(String extension, String schema) {
}
