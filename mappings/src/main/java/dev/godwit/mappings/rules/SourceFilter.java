package dev.godwit.mappings.rules;

import java.util.List;
import java.util.stream.Collectors;

/** One {@code filters} entry: its conditions are OR-ed; several filters of one rule are AND-ed. */
public record SourceFilter(String column, List<FilterCondition> conditions) {

    public SourceFilter {
        conditions = List.copyOf(conditions);
    }

    /** The OR of the conditions, parenthesised when there are several so that it can be AND-ed safely. */
    public String sql() {
        if (conditions.size() == 1) {
            return conditions.get(0).sql(column);
        }
        return conditions.stream().map(c -> c.sql(column)).collect(Collectors.joining(" OR ", "(", ")"));
    }

    /** The AND of several filters; empty text for none. */
    public static String sql(List<SourceFilter> filters) {
        return filters.stream().map(SourceFilter::sql).collect(Collectors.joining(" AND "));
    }
}
