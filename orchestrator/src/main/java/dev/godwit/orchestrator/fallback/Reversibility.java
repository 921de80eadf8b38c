package dev.godwit.orchestrator.fallback;

import dev.godwit.mappings.partition.PartitionRule;
import dev.godwit.mappings.rules.ColumnMapping;
import dev.godwit.mappings.rules.SourceColumn;
import dev.godwit.orchestrator.plan.PlannedTable;
import dev.godwit.workers.catalog.Column;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Whether the table mappings can be run backwards exactly: every row the new primary holds must have exactly one row
 * on the source that it came from and goes back to. Renamed tables and columns reverse; a row filter, an added or
 * dropped column, a column expression, a type change and a merged or re-partitioned table do not (the source would
 * get rows it never had, lose values, or take values its column cannot hold).
 */
public final class Reversibility {
    private Reversibility() {
    }

    /** Each table whose mapping does not reverse, with the rule it breaks; empty when all do. */
    public static List<String> problems(List<PlannedTable> tables) {
        List<String> problems = new ArrayList<>();
        for (PlannedTable t : tables) {
            String name = t.source().schema() + "." + t.source().name() + " -> " + t.mapping().targetKey();
            if (t.mapping().sourceFilterSql().isPresent()) {
                problems.add(name + ": a row filter (the source has rows the target lacks; a row written on the target"
                        + " could not be told apart from them)");
            }
            if (t.isPartitioned() && !(t.mapping().partitionRule() instanceof PartitionRule.Keep)) {
                problems.add(name + ": partitions merged or re-partitioned (only kept partitions map back)");
            }
            Set<String> generatedOnSource = t.source().columns().stream().filter(Column::isGenerated)
                    .map(Column::name).collect(Collectors.toSet());
            Set<String> written = t.mapping().columns().stream().filter(c -> !c.added())
                    .map(ColumnMapping::sourceName).collect(Collectors.toSet());
            for (ColumnMapping c : t.mapping().columns()) {
                if (c.added()) {
                    problems.add(name + ": column " + c.targetName() + " is added by a transformation (the source has"
                            + " no column for it)");
                } else if (c.typeChanged()) {
                    problems.add(name + ": column " + c.sourceName() + " changes type " + c.sourceType() + " -> "
                            + c.targetType() + " (a value the target accepts may not go back into the source column)");
                }
            }
            for (SourceColumn s : t.mapping().source().columns()) {
                if (!written.contains(s.name()) && !generatedOnSource.contains(s.name())) {
                    problems.add(name + ": column " + s.name() + " is removed by a transformation (rows written on the"
                            + " target would leave it empty on the source)");
                }
            }
        }
        return problems;
    }
}
