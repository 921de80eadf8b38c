package dev.godwit.orchestrator.cdc;

import dev.godwit.orchestrator.plan.PlannedTable;
import dev.godwit.workers.catalog.Column;
import dev.godwit.workers.catalog.SourceCatalog;
import dev.godwit.workers.catalog.Table;
import dev.godwit.workers.cdc.apply.ApplyTarget;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage;
import dev.godwit.workers.pg.Lsn;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Where the changes of each source relation go: the planned table's mapping, the target's key and generated columns
 * as the target catalog has them, and the table's sync position. A partition's changes (PostgreSQL 12, or a
 * partition selected on its own) go to the target table its relation was planned into.
 */
public final class Routing implements Function<PgOutputMessage.Relation, Optional<ApplyTarget>> {
    private final Map<String, ApplyTarget> bySourceName = new HashMap<>();

    /**
     * @param syncLsns per target table key ({@code schema.name}), the LSN its copy is consistent with when it differs
     *                 from the slot's consistent point (a table copied again under a later snapshot)
     */
    public Routing(List<PlannedTable> tables, SourceCatalog targetCatalog, Map<String, Lsn> syncLsns) {
        add(tables, targetCatalog, syncLsns);
    }

    /**
     * Routes {@code tables} too (tables that joined the task while changes stream); a relation seen before this was
     * not routed: see {@code ChangeApplier.routeAgain}.
     */
    public void add(List<PlannedTable> tables, SourceCatalog targetCatalog, Map<String, Lsn> syncLsns) {
        for (PlannedTable t : tables) {
            String key = t.mapping().targetKey();
            Table target = targetCatalog.table(t.mapping().targetSchema(), t.mapping().targetName()).orElseThrow(() ->
                    new IllegalStateException("target table " + key + " is missing; was it dropped after the full load?"));
            List<String> keyColumns = target.primaryKey().map(pk -> pk.columns()).orElse(List.of());
            Set<String> generated = target.columns().stream().filter(Column::isGenerated).map(Column::name)
                    .collect(Collectors.toSet());
            ApplyTarget apply = asOnTheTarget(ApplyTarget.from(t.mapping(), keyColumns,
                    Optional.ofNullable(syncLsns.get(key)), generated), target, generated);
            bySourceName.put(name(t.source().schema(), t.source().name()), apply);
            for (Table partition : t.partitions()) {
                bySourceName.put(name(partition.schema(), partition.name()), apply);
            }
        }
    }

    /**
     * The columns the target table has, which may differ from the plan's: the plan reads the source as it is now, while
     * the target holds the shape of the checkpoint. A column added or dropped on the source whose first change in the
     * new shape is not applied yet (godwit was stopped, or killed while it applied it, which rolled it back) is in the
     * plan but not on the target, or on the target but no longer in the plan. Starting from the target's shape, the
     * next Relation message shows the change and {@code cdc.ddl} decides, as for a change that arrives while streaming;
     * starting from the plan's, changes would be written to a column the target lacks, or a dropped column kept.
     */
    private static ApplyTarget asOnTheTarget(ApplyTarget apply, Table target, Set<String> generated) {
        Set<String> onTarget = target.columns().stream().map(Column::name).collect(Collectors.toSet());
        Set<String> known = new HashSet<>(generated);
        for (ApplyTarget.Column c : apply.columns()) {
            known.add(c.targetName());
            if (!onTarget.contains(c.targetName()) && !apply.keyColumns().contains(c.targetName())) {
                apply = apply.withoutColumn(c.sourceName());
            }
        }
        apply.addedColumns().forEach(c -> known.add(c.targetName()));
        known.addAll(apply.omittedColumns()); // a source column a mapping leaves out stays out
        for (Column c : target.columns()) {
            if (!known.contains(c.name())) {
                apply = apply.withColumn(c.name(), c.type());
            }
        }
        return apply;
    }

    @Override
    public Optional<ApplyTarget> apply(PgOutputMessage.Relation relation) {
        return Optional.ofNullable(bySourceName.get(name(relation.namespace(), relation.name())));
    }

    private static String name(String schema, String table) {
        return schema + "\u0000" + table;
    }
}
