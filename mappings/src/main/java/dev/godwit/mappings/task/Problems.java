package dev.godwit.mappings.task;

import java.util.ArrayList;
import java.util.List;

/** Collects the problems of a task file and the files it references, so that all are reported at once. */
public final class Problems {

    private final List<TaskProblem> found = new ArrayList<>();

    public void add(TaskProblem problem) {
        found.add(problem);
    }

    public boolean isEmpty() {
        return found.isEmpty();
    }

    public int size() {
        return found.size();
    }

    public List<TaskProblem> list() {
        return List.copyOf(found);
    }

    /** Throws when anything was found. */
    public void throwIfAny() throws TaskFileException {
        if (!found.isEmpty()) {
            throw new TaskFileException(found);
        }
    }
}
