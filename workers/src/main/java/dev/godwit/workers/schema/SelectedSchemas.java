package dev.godwit.workers.schema;

import dev.godwit.mappings.rules.SelectionRule;

import java.util.List;
import java.util.function.Predicate;

/**
 * The source schemas the mappings' selection names as a whole: an include rule that takes every table of the
 * schemas its schema pattern matches ({@code table-name: %}), unless an exclude rule takes every table of it out
 * again. Such a schema goes with the task, its objects too, even when it holds no table (an application's empty
 * {@code app_hidden}); a rule naming some tables alone brings only their schemas, through the tables.
 */
public final class SelectedSchemas {
    private static final String EVERY_TABLE = "%";

    private SelectedSchemas() {
    }

    public static Predicate<String> of(List<SelectionRule> rules) {
        List<SelectionRule> whole = rules.stream().filter(r -> EVERY_TABLE.equals(r.table().text())).toList();
        return schema -> whole.stream().anyMatch(r -> r.includes() && names(r, schema))
                && whole.stream().noneMatch(r -> !r.includes() && names(r, schema));
    }

    private static boolean names(SelectionRule rule, String schema) {
        return rule.exactNames() ? rule.schema().exactName().map(schema::equals).orElse(false)
                : rule.schema().matches(schema);
    }
}
