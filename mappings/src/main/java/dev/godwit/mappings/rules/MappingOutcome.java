package dev.godwit.mappings.rules;

import java.util.List;

/** The mapped tables, in load order (highest first, then by source name), with what went wrong. */
public record MappingOutcome(List<TableMapping> tables, List<MappingProblem> errors, List<MappingProblem> warnings) {

    public MappingOutcome {
        tables = List.copyOf(tables);
        errors = List.copyOf(errors);
        warnings = List.copyOf(warnings);
    }

    public boolean hasErrors() {
        return !errors.isEmpty();
    }
}
