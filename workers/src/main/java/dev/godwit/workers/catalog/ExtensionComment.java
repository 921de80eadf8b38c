package dev.godwit.workers.catalog;

/** The comment of an installed extension. */
public record ExtensionComment(String extension, String comment) {
}
