package dev.godwit.mappings.dms;

import com.fasterxml.jackson.databind.JsonNode;
import dev.godwit.mappings.rules.IgnoredRule;
import dev.godwit.mappings.rules.NamePattern;
import dev.godwit.mappings.rules.RuleRef;
import dev.godwit.mappings.rules.SelectionRule;
import dev.godwit.mappings.rules.TableMappings;
import dev.godwit.mappings.rules.TableSettingsRule;
import dev.godwit.mappings.rules.TransformationRule;
import dev.godwit.mappings.task.Doc;
import dev.godwit.mappings.text.Suggestions;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Reads a DMS table-mapping document ({@code {"rules": [...]}}) into {@link TableMappings}, reporting every problem
 * into the document's {@link Doc} and going on, so that one run names them all.
 */
public final class DmsTableMappingsReader {

    /**
     * @param root the document (or the task file's inline {@code tableMappings} object)
     * @param path where {@code root} sits in its file: {@code ""} for a file of its own, {@code tableMappings} inline
     * @return the mappings; meaningful only when {@code doc} collected no problems
     */
    public TableMappings read(JsonNode root, String path, Doc doc) {
        List<SelectionRule> selections = new ArrayList<>();
        List<TransformationRule> transformations = new ArrayList<>();
        List<TableSettingsRule> tableSettings = new ArrayList<>();
        List<IgnoredRule> ignored = new ArrayList<>();
        if (doc.object(root, path).isEmpty()) {
            return new TableMappings(selections, transformations, tableSettings, ignored);
        }
        doc.checkKeys(root, path, List.of("rules"), "table-mapping key");
        String rulesPath = Doc.child(path, "rules");
        Optional<List<JsonNode>> rules = doc.array(root.get("rules"), rulesPath);
        if (Doc.absent(root.get("rules"))) {
            doc.error(rulesPath, "missing; expected a list of rules with at least one selection rule");
        }
        Map<Long, Integer> ids = new HashMap<>();
        Map<String, Integer> names = new HashMap<>();
        SelectionRuleReader selectionReader = new SelectionRuleReader(doc);
        TransformationRuleReader transformationReader = new TransformationRuleReader(doc);
        TableSettingsRuleReader tableSettingsReader = new TableSettingsRuleReader(doc);
        List<JsonNode> list = rules.orElse(List.of());
        for (int i = 0; i < list.size(); i++) {
            String rulePath = Doc.index(rulesPath, i);
            JsonNode rule = list.get(i);
            if (doc.object(rule, rulePath).isEmpty()) {
                continue;
            }
            doc.checkKeys(rule, rulePath, DmsRuleKeys.RULE, "rule key");
            Optional<RuleRef> ref = ruleRef(rule, rulePath, i, doc, ids, names);
            Optional<String> type = doc.requiredText(rule, "rule-type", rulePath,
                    "one of: " + Doc.oneOf(DmsRuleKeys.RULE_TYPES));
            if (ref.isEmpty() || type.isEmpty()) {
                continue;
            }
            switch (type.get()) {
                case "selection" -> selectionReader.read(rule, rulePath, ref.get()).ifPresent(selections::add);
                case "transformation" -> transformationReader.read(rule, rulePath, ref.get(), transformations, ignored);
                case "table-settings" -> tableSettingsReader.read(rule, rulePath, ref.get()).ifPresent(tableSettings::add);
                case "validation" -> ignored.add(new IgnoredRule(ref.get(), "validation rules"
                        + " (override-validation-function) are not supported; godwit compares the stored values"));
                case "post-processing" -> ignored.add(new IgnoredRule(ref.get(),
                        "post-processing rules apply only to S3 targets, not to PostgreSQL targets"));
                case "object-mapping" -> ignored.add(new IgnoredRule(ref.get(), "object-mapping rules apply only to"
                        + " DynamoDB, Kinesis and Kafka targets, not to PostgreSQL targets"));
                default -> doc.error(Doc.child(rulePath, "rule-type"), "unknown rule-type '" + type.get() + "'"
                        + Suggestions.didYouMean(type.get(), DmsRuleKeys.RULE_TYPES)
                        + "; expected one of: " + Doc.oneOf(DmsRuleKeys.RULE_TYPES));
            }
        }
        if (rules.isPresent() && selections.isEmpty() && doc.problems().isEmpty()) {
            doc.error(rulesPath, "no selection rule; at least one include or explicit rule is needed to say which"
                    + " tables to migrate");
        }
        Comparator<RuleRef> byId = Comparator.comparingLong(RuleRef::id);
        selections.sort(Comparator.comparing(SelectionRule::ref, byId));
        transformations.sort(Comparator.comparing(TransformationRule::ref, byId));
        tableSettings.sort(Comparator.comparing(TableSettingsRule::ref, byId));
        return new TableMappings(selections, transformations, tableSettings, ignored);
    }

    private static Optional<RuleRef> ruleRef(JsonNode rule, String path, int index, Doc doc, Map<Long, Integer> ids,
                                             Map<String, Integer> names) {
        String idPath = Doc.child(path, "rule-id");
        if (Doc.absent(rule.get("rule-id"))) {
            doc.error(idPath, "missing; expected a unique number, e.g. \"1\"");
            return Optional.empty();
        }
        OptionalLong id = doc.integer(rule.get("rule-id"), idPath, 0, Long.MAX_VALUE);
        if (id.isEmpty()) {
            return Optional.empty();
        }
        Integer previous = ids.putIfAbsent(id.getAsLong(), index);
        if (previous != null) {
            doc.error(idPath, "rule-id " + id.getAsLong() + " is also used by rules[" + previous
                    + "]; rule ids must be unique");
        }
        // DMS requires rule-name; godwit names unnamed rules after their id so that hand-written files stay short.
        String name = doc.text(rule.get("rule-name"), Doc.child(path, "rule-name")).orElse("rule-" + id.getAsLong());
        Integer sameName = names.putIfAbsent(name, index);
        if (sameName != null) {
            doc.error(Doc.child(path, "rule-name"), "rule-name '" + name + "' is also used by rules[" + sameName
                    + "]; rule names must be unique");
        }
        return Optional.of(new RuleRef(index, name, id.getAsLong()));
    }

    /** A name pattern at {@code path}, or empty with a problem when it is missing or malformed. */
    static Optional<NamePattern> pattern(JsonNode locator, String key, String path, Doc doc) {
        Optional<String> text = doc.requiredText(locator, key, path, "a name or a pattern with % and _");
        return text.flatMap(t -> optionalPattern(t, Doc.child(path, key), doc));
    }

    static Optional<NamePattern> optionalPattern(String text, String path, Doc doc) {
        try {
            return Optional.of(NamePattern.of(text));
        } catch (IllegalArgumentException e) {
            doc.error(path, e.getMessage());
            return Optional.empty();
        }
    }
}
