package dev.godwit.mappings.rules;

/**
 * Where a rule came from, for messages: its index in the {@code rules} array, its name and id.
 *
 * @param index position in the {@code rules} array
 * @param name  {@code rule-name}
 * @param id    {@code rule-id}
 */
public record RuleRef(int index, String name, long id) {

    /** {@code rules[4] (rule-name 'x', rule-id 21)}: what MappingProblem.ruleLocation holds. */
    public String location() {
        return "rules[" + index + "] (rule-name '" + name + "', rule-id " + id + ")";
    }

    /** {@code x (rules[4])}: what TableMapping.appliedRules holds. */
    public String label() {
        return name + " (rules[" + index + "])";
    }
}
