package dev.godwit.workers.catalog;

import java.util.Optional;

/**
 * The parts of an aggregate from {@code pg_aggregate}, as CREATE AGGREGATE takes them. Function names are
 * {@code regproc} texts, qualified where the name alone would not find them; types are {@code format_type} texts.
 *
 * @param kind       {@code n} normal, {@code o} ordered-set, {@code h} hypothetical-set
 * @param finalModify {@code r} read-only, {@code s} shareable, {@code w} read-write
 * @param parallel   {@code s} safe, {@code r} restricted, {@code u} unsafe
 */
public record Aggregate(String kind, String sfunc, String stype, int sspace, Optional<String> finalfunc,
                        boolean finalfuncExtra, String finalModify, Optional<String> combinefunc,
                        Optional<String> serialfunc, Optional<String> deserialfunc, Optional<String> initcond,
                        Optional<String> msfunc, Optional<String> minvfunc, Optional<String> mstype, int msspace,
                        Optional<String> mfinalfunc, boolean mfinalfuncExtra, String mfinalModify,
                        Optional<String> minitcond, Optional<String> sortop, String parallel) {
}
