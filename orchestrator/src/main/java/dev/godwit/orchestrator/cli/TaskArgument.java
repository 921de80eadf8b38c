package dev.godwit.orchestrator.cli;

import dev.godwit.mappings.task.Task;
import dev.godwit.mappings.task.TaskFileException;
import dev.godwit.mappings.task.TaskLoader;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;

/** The task file every command takes as its argument. */
final class TaskArgument {
    @Parameters(index = "0", paramLabel = "TASK", description = "The task file (YAML or JSON); see docs/task-file.md.")
    Path file;

    Task load() throws TaskFileException {
        return new TaskLoader().load(file);
    }
}
