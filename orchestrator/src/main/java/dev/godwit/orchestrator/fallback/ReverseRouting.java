package dev.godwit.orchestrator.fallback;

import dev.godwit.mappings.rules.ColumnMapping;
import dev.godwit.orchestrator.plan.PlannedTable;
import dev.godwit.workers.catalog.Column;
import dev.godwit.workers.cdc.apply.ApplyTarget;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The task's mappings run backwards, for the reverse stream: a change to a target table goes to the source table it
 * was migrated from, each column to the source column of the same mapping (by name), typed as the source column is.
 * Only mappings that {@link Reversibility} accepts are routed this way. Columns generated on the source are never
 * written; rows are found by the source table's primary key, or by every column where it has none (its target twin
 * then publishes the whole old row: REPLICA IDENTITY FULL).
 */
public final class ReverseRouting implements Function<PgOutputMessage.Relation, Optional<ApplyTarget>> {
    private final Map<String, ApplyTarget> byTargetName = new HashMap<>();

    public ReverseRouting(List<PlannedTable> tables) {
        for (PlannedTable t : tables) {
            Set<String> generated = t.source().columns().stream().filter(Column::isGenerated).map(Column::name)
                    .collect(Collectors.toSet());
            List<ApplyTarget.Column> columns = new ArrayList<>();
            Map<String, String> types = new LinkedHashMap<>();
            Set<String> omitted = new java.util.HashSet<>();
            for (ColumnMapping c : t.mapping().columns()) {
                types.put(c.targetName(), c.targetType());
                if (generated.contains(c.sourceName())) {
                    omitted.add(c.targetName());
                } else {
                    columns.add(new ApplyTarget.Column(c.targetName(), c.sourceName(), c.sourceType()));
                }
            }
            List<String> key = t.source().primaryKey().map(pk -> pk.columns()).orElse(List.of());
            ApplyTarget reverse = new ApplyTarget(t.mapping().targetSchema(), t.mapping().targetName(),
                    t.source().schema(), t.source().name(), columns, omitted, types, List.of(), key, Optional.empty());
            byTargetName.put(name(t.mapping().targetSchema(), t.mapping().targetName()), reverse);
        }
    }

    @Override
    public Optional<ApplyTarget> apply(PgOutputMessage.Relation relation) {
        return Optional.ofNullable(byTargetName.get(name(relation.namespace(), relation.name())));
    }

    private static String name(String schema, String table) {
        return schema + "\u0000" + table;
    }
}
