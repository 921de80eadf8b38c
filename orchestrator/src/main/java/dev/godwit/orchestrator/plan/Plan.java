package dev.godwit.orchestrator.plan;

import dev.godwit.mappings.rules.MappingProblem;
import dev.godwit.mappings.task.Task;
import dev.godwit.workers.catalog.SourceCatalog;
import dev.godwit.workers.copy.CopyUnit;

import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * What a run of the task will do, decided before anything is created: every selected table with its target and copy
 * units, the statements of the target schema, and what will not be migrated and why.
 */
public record Plan(Task task, SourceCatalog catalog, List<PlannedTable> tables, List<MappingProblem> warnings,
                   List<PlannedObject> objects, List<NotMigrated> notMigrated) {
    public Plan {
        tables = List.copyOf(tables);
        objects = List.copyOf(objects);
        warnings = List.copyOf(warnings);
        notMigrated = List.copyOf(notMigrated);
    }

    /** This plan with only the tables {@code keys} names ({@code schema.name} on the target). */
    public Plan restrictedTo(Set<String> keys) {
        return new Plan(task, catalog, tables.stream().filter(t -> keys.contains(t.mapping().targetKey())).toList(),
                warnings, objects, notMigrated);
    }

    public long estimatedRows() {
        return tables.stream().mapToLong(PlannedTable::estimatedRows).sum();
    }

    public long sizeBytes() {
        return tables.stream().mapToLong(PlannedTable::sizeBytes).sum();
    }

    /** Every unit in the order workers take them: higher load-order first, then the biggest first. */
    public List<ScheduledUnit> schedule() {
        return tables.stream()
                .flatMap(t -> t.units().stream().map(u -> new ScheduledUnit(t, u)))
                .sorted(Comparator.comparingLong((ScheduledUnit u) -> u.table().mapping().loadOrder()).reversed()
                        .thenComparing(Comparator.comparingLong((ScheduledUnit u) -> u.unit().estimatedBytes()).reversed())
                        .thenComparing(u -> u.unit().id()))
                .toList();
    }

    /** A unit together with the table it loads. */
    public record ScheduledUnit(PlannedTable table, CopyUnit unit) {
    }
}
