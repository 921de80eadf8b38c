package dev.godwit.workers.catalog;

import java.util.Optional;

/**
 * A text search dictionary.
 *
 * @param template its template, qualified
 * @param options  {@code dictinitoption} as CREATE takes it ({@code stopwords = 'english'}), when it has any
 */
public record TextSearchDictionary(String schema, String name, String template, Optional<String> options,
                                   Optional<String> comment) {
}
