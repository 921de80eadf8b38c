package dev.godwit.mappings.rules;

import java.util.List;
import java.util.OptionalLong;

/**
 * A {@code selection} rule.
 *
 * @param loadOrder empty when the rule does not set one
 */
public record SelectionRule(RuleRef ref, SelectionAction action, NamePattern schema, NamePattern table,
                            TableType tableType, OptionalLong loadOrder, List<SourceFilter> filters) {

    public SelectionRule {
        filters = List.copyOf(filters);
    }

    /**
     * Whether the rule reaches this relation. Explicit rules and rules with filters name one table exactly
     * ({@link NamePattern#exactName()}); include and exclude rules match as patterns.
     */
    public boolean matches(SourceTable table) {
        if (!tableType.covers(table.kind())) {
            return false;
        }
        if (exactNames()) {
            return schema.exactName().map(table.schema()::equals).orElse(false)
                    && this.table.exactName().map(table.name()::equals).orElse(false);
        }
        return schema.matches(table.schema()) && this.table.matches(table.name());
    }

    /** True when the names are read as exact names rather than patterns. */
    public boolean exactNames() {
        return action == SelectionAction.EXPLICIT || !filters.isEmpty();
    }

    public boolean includes() {
        return action != SelectionAction.EXCLUDE;
    }
}
