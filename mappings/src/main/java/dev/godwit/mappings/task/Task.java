package dev.godwit.mappings.task;

import dev.godwit.mappings.rules.TableMappings;

import java.nio.file.Path;

/**
 * A task file, read and checked.
 *
 * @param name the task's name: {@code [a-z0-9_-]+}; it also names the slot and publication by default
 * @param file the task file it was read from
 */
public record Task(String name, Path file, Endpoint source, Endpoint target, MigrationType type,
                   TableMappings tableMappings, Settings settings) {

    @Override
    public String toString() {
        return "Task[" + name + ", " + type + ", source " + source.redacted() + ", target " + target.redacted() + "]";
    }
}
