package dev.godwit.mappings.rules;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Errors and warnings gathered while the engine runs; a repeated finding (one per table of a schema) is kept once. */
final class Findings {

    private final Set<MappingProblem> errors = new LinkedHashSet<>();
    private final Set<MappingProblem> warnings = new LinkedHashSet<>();

    void error(RuleRef rule, String message) {
        errors.add(new MappingProblem(rule == null ? null : rule.location(), message));
    }

    void error(String location, String message) {
        errors.add(new MappingProblem(location, message));
    }

    void warning(RuleRef rule, String message) {
        warnings.add(new MappingProblem(rule == null ? null : rule.location(), message));
    }

    void warning(String location, String message) {
        warnings.add(new MappingProblem(location, message));
    }

    List<MappingProblem> errors() {
        return new ArrayList<>(errors);
    }

    List<MappingProblem> warnings() {
        return new ArrayList<>(warnings);
    }
}
