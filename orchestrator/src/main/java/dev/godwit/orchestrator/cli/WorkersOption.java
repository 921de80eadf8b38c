package dev.godwit.orchestrator.cli;

import dev.godwit.mappings.task.Task;
import dev.godwit.orchestrator.plan.Parallelism;
import dev.godwit.orchestrator.scaleout.ClusterDispatch;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.Optional;

/**
 * {@code --workers} and {@code --coordinator-threads} of the commands that spread work over worker processes: a task's
 * full load ({@code start}, {@code resume}) and a validation's chunks ({@code validate}).
 */
final class WorkersOption {
    enum Where { local, external }

    @Spec(Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--workers", paramLabel = "local|external", defaultValue = "local",
            description = "Who copies the full load's units or compares the validation's chunks: this process's threads"
                    + " (local, the default), or 'godwit worker' processes on any host together with this one"
                    + " (external); see docs/scale-out.md.")
    Where where = Where.local;

    private Integer coordinatorThreads;

    @Option(names = "--coordinator-threads", paramLabel = "N",
            description = "With --workers external: the units (or chunks) this process works at once besides handing"
                    + " them out (default: the task's full-load parallelism); 0 to only hand them out.")
    void coordinatorThreads(int value) {
        if (value < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--coordinator-threads " + value
                    + " is negative");
        }
        coordinatorThreads = value;
    }

    Optional<ClusterDispatch.Distribution> distribution(Task task) {
        if (where == Where.local) {
            if (coordinatorThreads != null) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--coordinator-threads is for --workers external");
            }
            return Optional.empty();
        }
        return Optional.of(new ClusterDispatch.Distribution(coordinatorThreads == null
                ? Parallelism.of(task.settings()) : coordinatorThreads));
    }
}
