package dev.godwit.mappings.rules;

/** A {@code transformation} rule. */
public record TransformationRule(RuleRef ref, RuleTarget target, ObjectLocator locator, TransformAction action) {
}
