package dev.godwit.workers.catalog;

import java.util.Optional;

/**
 * A user-defined collation.
 *
 * @param provider  {@code collprovider}: c libc, i icu, b builtin (17+)
 * @param lcCollate {@code collcollate}, for libc (and, before 15, the ICU locale)
 * @param locale    the ICU or builtin locale (15+)
 * @param rules     ICU tailoring rules (16+)
 */
public record Collation(String schema, String name, String provider, Optional<String> lcCollate,
                        Optional<String> lcCtype, Optional<String> locale, boolean deterministic,
                        Optional<String> rules, Optional<String> comment) {
}
