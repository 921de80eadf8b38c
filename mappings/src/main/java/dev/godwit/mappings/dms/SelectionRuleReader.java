package dev.godwit.mappings.dms;

import com.fasterxml.jackson.databind.JsonNode;
import dev.godwit.mappings.rules.FilterCondition;
import dev.godwit.mappings.rules.FilterOperator;
import dev.godwit.mappings.rules.NamePattern;
import dev.godwit.mappings.rules.RuleRef;
import dev.godwit.mappings.rules.SelectionAction;
import dev.godwit.mappings.rules.SelectionRule;
import dev.godwit.mappings.rules.SourceFilter;
import dev.godwit.mappings.rules.TableType;
import dev.godwit.mappings.task.Doc;
import dev.godwit.mappings.text.Suggestions;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** Reads one {@code selection} rule. */
final class SelectionRuleReader {

    private static final List<String> ACTIONS = Arrays.stream(SelectionAction.values()).map(SelectionAction::dmsName).toList();
    private static final List<String> TABLE_TYPES = Arrays.stream(TableType.values()).map(TableType::dmsName).toList();

    private final Doc doc;

    SelectionRuleReader(Doc doc) {
        this.doc = doc;
    }

    Optional<SelectionRule> read(JsonNode rule, String path, RuleRef ref) {
        int before = doc.problems().size();
        Optional<SelectionAction> action = action(rule, path);
        String locatorPath = Doc.child(path, "object-locator");
        JsonNode locator = rule.get("object-locator");
        if (doc.requiredObject(locator, locatorPath, "an object with schema-name and table-name").isEmpty()) {
            return Optional.empty();
        }
        doc.checkKeys(locator, locatorPath, List.of("schema-name", "table-name", "table-type", "column-name"),
                "object-locator key");
        if (!Doc.absent(locator.get("column-name"))) {
            doc.error(Doc.child(locatorPath, "column-name"), "selection rules pick whole tables; to leave columns out"
                    + " use a transformation rule with rule-action remove-column or include-column");
        }
        Optional<NamePattern> schema = DmsTableMappingsReader.pattern(locator, "schema-name", locatorPath, doc);
        Optional<NamePattern> table = DmsTableMappingsReader.pattern(locator, "table-name", locatorPath, doc);
        TableType tableType = tableType(locator, locatorPath);
        OptionalLong loadOrder = doc.integer(rule.get("load-order"), Doc.child(path, "load-order"), 0, Integer.MAX_VALUE);
        List<SourceFilter> filters = filters(rule, path);
        if (action.isPresent() && action.get() == SelectionAction.EXPLICIT) {
            exactNameRequired(schema, locatorPath, "schema-name", "explicit rules name one table exactly");
            exactNameRequired(table, locatorPath, "table-name", "explicit rules name one table exactly");
        }
        if (!filters.isEmpty() && action.isPresent()) {
            if (action.get() != SelectionAction.INCLUDE) {
                doc.error(Doc.child(path, "filters"), "filters work only on include rules; found them on an "
                        + action.get().dmsName() + " rule, where DMS ignores them and godwit refuses to drop them silently");
            } else {
                exactNameRequired(schema, locatorPath, "schema-name", "a rule with filters must name one table exactly");
                exactNameRequired(table, locatorPath, "table-name", "a rule with filters must name one table exactly");
            }
        }
        if (doc.problems().size() > before || action.isEmpty() || schema.isEmpty() || table.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new SelectionRule(ref, action.get(), schema.get(), table.get(), tableType, loadOrder, filters));
    }

    private Optional<SelectionAction> action(JsonNode rule, String path) {
        Optional<String> text = doc.requiredText(rule, "rule-action", path, "one of: " + Doc.oneOf(ACTIONS));
        if (text.isEmpty()) {
            return Optional.empty();
        }
        Optional<SelectionAction> action = Arrays.stream(SelectionAction.values())
                .filter(a -> a.dmsName().equals(text.get())).findFirst();
        if (action.isEmpty()) {
            doc.error(Doc.child(path, "rule-action"), "unknown selection rule-action '" + text.get() + "'"
                    + Suggestions.didYouMean(text.get(), ACTIONS) + "; expected one of: " + Doc.oneOf(ACTIONS));
        }
        return action;
    }

    private TableType tableType(JsonNode locator, String locatorPath) {
        Optional<String> text = doc.text(locator.get("table-type"), Doc.child(locatorPath, "table-type"));
        if (text.isEmpty()) {
            return TableType.TABLE;
        }
        return Arrays.stream(TableType.values()).filter(t -> t.dmsName().equals(text.get())).findFirst()
                .orElseGet(() -> {
                    doc.error(Doc.child(locatorPath, "table-type"), "unknown table-type '" + text.get()
                            + "'; expected one of: " + Doc.oneOf(TABLE_TYPES));
                    return TableType.TABLE;
                });
    }

    private void exactNameRequired(Optional<NamePattern> pattern, String locatorPath, String key, String why) {
        if (pattern.isPresent() && pattern.get().exactName().isEmpty()) {
            doc.error(Doc.child(locatorPath, key), "found the wildcard pattern '" + pattern.get().text()
                    + "'; " + why + " (write [%] or [_] for a literal % or _)");
        }
    }

    private List<SourceFilter> filters(JsonNode rule, String path) {
        String filtersPath = Doc.child(path, "filters");
        List<SourceFilter> filters = new ArrayList<>();
        List<JsonNode> list = doc.array(rule.get("filters"), filtersPath).orElse(List.of());
        for (int j = 0; j < list.size(); j++) {
            filter(list.get(j), Doc.index(filtersPath, j)).ifPresent(filters::add);
        }
        return filters;
    }

    private Optional<SourceFilter> filter(JsonNode filter, String path) {
        if (doc.object(filter, path).isEmpty()) {
            return Optional.empty();
        }
        doc.checkKeys(filter, path, DmsRuleKeys.FILTER, "filter key");
        doc.text(filter.get("filter-type"), Doc.child(path, "filter-type")).ifPresent(type -> {
            if (!type.equals("source")) {
                doc.error(Doc.child(path, "filter-type"), "unknown filter-type '" + type + "'; expected source");
            }
        });
        Optional<String> column = doc.requiredText(filter, "column-name", path, "the source column to filter on");
        String conditionsPath = Doc.child(path, "filter-conditions");
        List<JsonNode> list = doc.array(filter.get("filter-conditions"), conditionsPath).orElse(List.of());
        if (list.isEmpty()) {
            doc.error(conditionsPath, "missing or empty; expected a list of conditions such as"
                    + " {\"filter-operator\": \"eq\", \"value\": \"1\"}");
            return Optional.empty();
        }
        List<FilterCondition> conditions = new ArrayList<>();
        for (int k = 0; k < list.size(); k++) {
            condition(list.get(k), Doc.index(conditionsPath, k)).ifPresent(conditions::add);
        }
        if (conditions.size() > 1) {
            conditions.stream().filter(c -> c.operator().negative()).findFirst().ifPresent(negative ->
                    doc.error(conditionsPath, "a filter with the negative operator " + negative.operator().dmsName()
                            + " may hold only that one condition; found " + list.size()
                            + ". Conditions in one filter are OR-ed: put each negative condition in a filter of its own"));
        }
        if (column.isEmpty() || conditions.size() != list.size()) {
            return Optional.empty();
        }
        return Optional.of(new SourceFilter(column.get(), conditions));
    }

    private Optional<FilterCondition> condition(JsonNode condition, String path) {
        if (doc.object(condition, path).isEmpty()) {
            return Optional.empty();
        }
        doc.checkKeys(condition, path, DmsRuleKeys.CONDITION, "filter-condition key");
        Optional<String> name = doc.requiredText(condition, "filter-operator", path,
                "one of: " + Doc.oneOf(FilterOperator.dmsNames()));
        if (name.isEmpty()) {
            return Optional.empty();
        }
        Optional<FilterOperator> operator = FilterOperator.fromDms(name.get());
        if (operator.isEmpty()) {
            doc.error(Doc.child(path, "filter-operator"), "unknown filter-operator '" + name.get() + "'"
                    + Suggestions.didYouMean(name.get(), FilterOperator.dmsNames())
                    + "; expected one of: " + Doc.oneOf(FilterOperator.dmsNames()));
            return Optional.empty();
        }
        FilterOperator op = operator.get();
        int before = doc.problems().size();
        String value = operand(condition, path, "value", op.operands() == 1, op);
        String start = operand(condition, path, "start-value", op.operands() == 2, op);
        String end = operand(condition, path, "end-value", op.operands() == 2, op);
        return doc.problems().size() > before ? Optional.empty() : Optional.of(new FilterCondition(op, value, start, end));
    }

    private String operand(JsonNode condition, String path, String key, boolean wanted, FilterOperator op) {
        JsonNode node = condition.get(key);
        if (!wanted) {
            if (!Doc.absent(node)) {
                doc.error(Doc.child(path, key), "filter-operator " + op.dmsName() + " takes no " + key);
            }
            return null;
        }
        if (Doc.absent(node)) {
            doc.error(Doc.child(path, key), "missing; filter-operator " + op.dmsName() + " needs " + key);
            return null;
        }
        return doc.text(node, Doc.child(path, key)).orElse(null);
    }
}
