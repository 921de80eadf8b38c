package dev.godwit.mappings.rules;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which transformation rules take effect on one object. Rules with the same rule-action compete: the lowest
 * rule-id wins and the others are reported when they would have done something different. Rules with different
 * actions all take effect, in rule-id order, so {@code convert-lowercase} on every table composes with a
 * {@code rename} of one of them (the later rule-id working on the earlier one's result).
 */
final class Precedence {

    private Precedence() {
    }

    /** The winners, in rule-id order. */
    static List<TransformationRule> winners(List<TransformationRule> matching, String object, Findings findings) {
        Map<String, TransformationRule> byAction = new LinkedHashMap<>();
        List<TransformationRule> sorted = new ArrayList<>(matching);
        sorted.sort(Comparator.comparingLong(r -> r.ref().id()));
        for (TransformationRule rule : sorted) {
            TransformationRule winner = byAction.putIfAbsent(rule.action().dmsName(), rule);
            if (winner != null && rule.action().parameterised() && !winner.action().equals(rule.action())) {
                findings.warning(rule.ref(), rule.action().dmsName() + " on " + object + " conflicts with "
                        + winner.ref().label() + "; the lower rule-id wins, so this rule does not apply there");
            }
        }
        List<TransformationRule> result = new ArrayList<>(byAction.values());
        result.sort(Comparator.comparingLong(r -> r.ref().id()));
        return result;
    }

    /** Applies the name-changing winners to {@code name}, recording each rule applied. */
    static String rename(String name, List<TransformationRule> winners, List<RuleRef> applied) {
        String result = name;
        for (TransformationRule rule : winners) {
            if (rule.action() instanceof TransformAction.NameChange change) {
                result = change.apply(result);
                applied.add(rule.ref());
            }
        }
        return result;
    }
}
