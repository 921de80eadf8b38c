package dev.godwit.workers.catalog;

import java.util.Optional;

/**
 * A rewrite rule (not a view's {@code _RETURN} rule).
 *
 * @param definition {@code pg_get_ruledef}: the whole CREATE RULE, ending with a semicolon
 * @param enabled    {@code ev_enabled}, as {@link Trigger#enabled()}
 */
public record Rule(long relationOid, String name, String definition, String enabled, Optional<String> comment) {
}
