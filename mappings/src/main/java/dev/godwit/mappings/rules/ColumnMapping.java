package dev.godwit.mappings.rules;

import java.util.List;
import java.util.Optional;

/**
 * One target column and how to fill it.
 *
 * @param sourceName       source column, or null for an added column
 * @param sourceType       source {@code format_type()} text, or null for an added column
 * @param targetType       target type as SQL text
 * @param selectExpression SQL over the source row for {@code COPY (SELECT …)}: the quoted column, with a
 *                         {@code ::targetType} cast when the type changed; for an added column its expression (source
 *                         columns referenced by their quoted names) cast to its type. The CDC applier can evaluate an
 *                         added column's expression over a derived table whose columns carry the source names.
 * @param operationIndicator for an {@code operation_indicator(…)} column: the values per operation; the
 *                         selectExpression then yields the insert value, which is what a full load writes
 * @param nameRules        the transformation rules that gave the target column a name other than the source's, as
 *                         {@code rule-name (rules[i])}; empty when it keeps the source name
 */
public record ColumnMapping(String sourceName, String targetName, String sourceType, String targetType,
                            String selectExpression, boolean typeChanged, boolean lossy,
                            Optional<OperationIndicator> operationIndicator, List<String> nameRules) {

    public ColumnMapping {
        nameRules = List.copyOf(nameRules);
    }

    public ColumnMapping(String sourceName, String targetName, String sourceType, String targetType,
                         String selectExpression, boolean typeChanged, boolean lossy,
                         Optional<OperationIndicator> operationIndicator) {
        this(sourceName, targetName, sourceType, targetType, selectExpression, typeChanged, lossy, operationIndicator,
                List.of());
    }

    public ColumnMapping(String sourceName, String targetName, String sourceType, String targetType,
                         String selectExpression, boolean typeChanged, boolean lossy) {
        this(sourceName, targetName, sourceType, targetType, selectExpression, typeChanged, lossy, Optional.empty());
    }

    /** This column, its target name given by {@code rules} ({@code rule-name (rules[i])} each). */
    public ColumnMapping withNameRules(List<String> rules) {
        return new ColumnMapping(sourceName, targetName, sourceType, targetType, selectExpression, typeChanged, lossy,
                operationIndicator, rules);
    }

    public boolean added() {
        return sourceName == null;
    }
}
