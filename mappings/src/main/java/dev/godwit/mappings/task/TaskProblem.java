package dev.godwit.mappings.task;

import java.nio.file.Path;

/**
 * One thing wrong with a task file or a file it references.
 *
 * @param location {@code line 12, column 5} for syntax errors, or a path inside the document such as
 *                 {@code rules[3].object-locator.table-name} or {@code settings.parallelism}
 * @param message  what was found and what was expected; never a password
 */
public record TaskProblem(Path file, String location, String message) {

    @Override
    public String toString() {
        return file + ": " + (location == null || location.isEmpty() ? "" : location + ": ") + message;
    }
}
