package dev.godwit.mappings.task;

import java.util.List;
import java.util.stream.Collectors;

/** A task file (or a file it references) cannot be used; {@link #problems()} lists everything found, not just the first. */
public final class TaskFileException extends Exception {

    private static final long serialVersionUID = 1L;

    private final List<TaskProblem> problems;

    public TaskFileException(List<TaskProblem> problems) {
        super(problems.stream().map(TaskProblem::toString).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<TaskProblem> problems() {
        return problems;
    }
}
