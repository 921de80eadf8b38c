package dev.godwit.orchestrator.plan;

import dev.godwit.mappings.rules.MappingProblem;
import dev.godwit.mappings.task.Task;
import dev.godwit.workers.catalog.SourceCatalog;

import java.util.List;

/**
 * What a run of the task will do, decided before anything is created: every selected table with its target, and what
 * will not be migrated and why.
 */
public record Plan(Task task, SourceCatalog catalog, List<PlannedTable> tables, List<MappingProblem> warnings) {
    public Plan {
        tables = List.copyOf(tables);
        warnings = List.copyOf(warnings);
    }

    public long estimatedRows() {
        return tables.stream().mapToLong(PlannedTable::estimatedRows).sum();
    }

    public long sizeBytes() {
        return tables.stream().mapToLong(PlannedTable::sizeBytes).sum();
    }
}
