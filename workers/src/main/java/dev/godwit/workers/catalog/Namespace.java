package dev.godwit.workers.catalog;

import java.util.Optional;

/** A user schema of the source, whether it holds anything or not. */
public record Namespace(String name, Optional<String> comment) {
}
