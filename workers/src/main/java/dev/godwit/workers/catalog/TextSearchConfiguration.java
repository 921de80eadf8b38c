package dev.godwit.workers.catalog;

import java.util.List;
import java.util.Optional;

/**
 * A text search configuration.
 *
 * @param parser   its parser, qualified
 * @param mappings one {@code FOR asciiword WITH pg_catalog.english_stem} clause per token type it maps
 */
public record TextSearchConfiguration(String schema, String name, String parser, List<String> mappings,
                                      Optional<String> comment) {
    public TextSearchConfiguration {
        mappings = List.copyOf(mappings);
    }
}
