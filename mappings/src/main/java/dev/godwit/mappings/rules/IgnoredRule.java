package dev.godwit.mappings.rules;

/** A rule that loaded fine but does nothing for a PostgreSQL target; the engine reports {@code reason} as a warning. */
public record IgnoredRule(RuleRef ref, String reason) {
}
