package dev.godwit.mappings.rules;

import dev.godwit.mappings.text.Suggestions;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Resolves the selection rules against the catalog. A table is selected when an include or explicit rule reaches it
 * and no exclude rule does: exclude always wins, whatever the rule ids. When several include rules reach one table,
 * a rule that sets no load-order (or no filters) leaves that choice to the others; between rules that set different
 * values, the lowest rule-id wins and a warning names the others.
 */
final class Selection {

    /** A selected table with the load order and filters its rules give it. */
    record Selected(SourceTable table, List<SelectionRule> rules, long loadOrder, List<SourceFilter> filters) {
    }

    private final List<SelectionRule> rules;
    private final Findings findings;

    Selection(List<SelectionRule> rules, Findings findings) {
        this.rules = rules;
        this.findings = findings;
    }

    List<Selected> select(List<SourceTable> catalog) {
        Set<SelectionRule> used = new HashSet<>();
        List<Selected> selected = new ArrayList<>();
        for (SourceTable table : catalog) {
            List<SelectionRule> includes = new ArrayList<>();
            List<SelectionRule> excludes = new ArrayList<>();
            for (SelectionRule rule : rules) {
                if (rule.matches(table)) {
                    used.add(rule);
                    (rule.includes() ? includes : excludes).add(rule);
                    warnUnderscore(rule, table);
                }
            }
            if (includes.isEmpty()) {
                continue;
            }
            if (!excludes.isEmpty()) {
                includes.stream().filter(r -> r.action() == SelectionAction.EXPLICIT).forEach(explicit ->
                        findings.warning(explicit.ref(), "explicit rule for " + table.qualifiedName()
                                + " is overridden by exclude rule " + excludes.get(0).ref().label()
                                + "; exclude always wins"));
                continue;
            }
            long loadOrder = pick(includes, r -> r.loadOrder().isPresent(), r -> r.loadOrder().getAsLong(),
                    table, "load-order").orElse(0L);
            List<SourceFilter> filters = pick(includes, r -> !r.filters().isEmpty(), SelectionRule::filters,
                    table, "filters").orElse(List.of());
            selected.add(new Selected(table, includes, loadOrder, filters));
        }
        for (SelectionRule rule : rules) {
            if (!used.contains(rule)) {
                findings.error(rule.ref(), "matches no " + describeKinds(rule.tableType()) + ": looked for schema-name '"
                        + rule.schema().text() + "' and table-name '" + rule.table().text() + "'" + hint(rule, catalog));
            }
        }
        return selected;
    }

    private <T> Optional<T> pick(List<SelectionRule> includes, Predicate<SelectionRule> sets,
                                 Function<SelectionRule, T> value, SourceTable table, String what) {
        List<SelectionRule> setting = includes.stream().filter(sets).toList();
        if (setting.isEmpty()) {
            return Optional.empty();
        }
        SelectionRule winner = setting.get(0);
        T chosen = value.apply(winner);
        for (SelectionRule other : setting.subList(1, setting.size())) {
            if (!Objects.equals(value.apply(other), chosen)) {
                findings.warning(other.ref(), "sets different " + what + " for " + table.qualifiedName() + " than "
                        + winner.ref().label() + "; the lower rule-id wins, so this rule's " + what + " is not used");
            }
        }
        return Optional.of(chosen);
    }

    /** DMS's underscore is a wildcard: {@code order_items} also matches {@code orderXitems}. Say so when it happens. */
    private void warnUnderscore(SelectionRule rule, SourceTable table) {
        if (rule.exactNames()) {
            return;
        }
        rule.table().exactName().filter(literal -> !literal.equals(table.name())).ifPresent(literal ->
                findings.warning(rule.ref(), "table-name '" + rule.table().text() + "' also matches "
                        + table.qualifiedName() + " because _ matches any one character; write '"
                        + rule.table().text().replace("_", "[_]") + "' to match only '" + literal + "'"));
        rule.schema().exactName().filter(literal -> !literal.equals(table.schema())).ifPresent(literal ->
                findings.warning(rule.ref(), "schema-name '" + rule.schema().text() + "' also matches schema "
                        + table.schema() + " because _ matches any one character; write '"
                        + rule.schema().text().replace("_", "[_]") + "' to match only '" + literal + "'"));
    }

    private static String describeKinds(TableType type) {
        return switch (type) {
            case TABLE -> "table";
            case VIEW -> "view";
            case ALL -> "table or view";
        };
    }

    /** Why nothing matched, when the catalog suggests a reason: case, or the table-type. */
    private static String hint(SelectionRule rule, List<SourceTable> catalog) {
        String schemaText = rule.schema().exactName().orElse(null);
        String tableText = rule.table().exactName().orElse(null);
        if (tableText != null && schemaText != null) {
            Optional<SourceTable> otherCase = catalog.stream()
                    .filter(t -> t.schema().equalsIgnoreCase(schemaText) && t.name().equalsIgnoreCase(tableText))
                    .findFirst();
            if (otherCase.isPresent()) {
                SourceTable t = otherCase.get();
                if (t.schema().equals(schemaText) && t.name().equals(tableText)) {
                    return "; " + t.qualifiedName() + " exists but is a " + t.kind().name().toLowerCase(Locale.ROOT)
                            .replace('_', ' ') + ", which table-type " + rule.tableType().dmsName() + " does not cover";
                }
                return "; names are case-sensitive: did you mean " + t.schema() + "." + t.name() + "?";
            }
        }
        if (schemaText != null && catalog.stream().noneMatch(t -> rule.schema().matches(t.schema()))) {
            Set<String> schemas = catalog.stream().map(SourceTable::schema).collect(Collectors.toCollection(java.util.TreeSet::new));
            return "; the source has no schema '" + schemaText + "'" + Suggestions.didYouMean(schemaText, schemas);
        }
        if (tableText != null) {
            List<String> names = catalog.stream().filter(t -> rule.schema().matches(t.schema()))
                    .map(SourceTable::name).toList();
            return Suggestions.didYouMean(tableText, names);
        }
        return "";
    }
}
