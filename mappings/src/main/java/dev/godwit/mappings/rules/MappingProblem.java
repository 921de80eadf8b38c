package dev.godwit.mappings.rules;

/**
 * An error or warning from applying the mappings to a catalog.
 *
 * @param ruleLocation the rule or setting it concerns, e.g. {@code rules[4] (rule-name 'x', rule-id 21)}; null when none
 */
public record MappingProblem(String ruleLocation, String message) {

    @Override
    public String toString() {
        return ruleLocation == null ? message : ruleLocation + ": " + message;
    }
}
