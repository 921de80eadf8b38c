package dev.godwit.orchestrator.plan;

import dev.godwit.mappings.rules.MappingProblem;
import dev.godwit.orchestrator.failure.FailureKind;
import dev.godwit.orchestrator.failure.GodwitException;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** The mappings, applied to the live source catalog, do not make a plan: every problem is listed at once. */
public final class PlanRejected extends GodwitException {
    private final List<MappingProblem> problems;

    public PlanRejected(Path taskFile, List<MappingProblem> problems) {
        super(FailureKind.BAD_INPUT, "the table mappings of " + taskFile + " do not fit the source catalog:\n"
                + problems.stream().map(p -> "  - " + p).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<MappingProblem> problems() {
        return problems;
    }
}
