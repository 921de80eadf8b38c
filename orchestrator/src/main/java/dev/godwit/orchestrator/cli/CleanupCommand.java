package dev.godwit.orchestrator.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

@Command(name = "cleanup", mixinStandardHelpOptions = true,
        description = "Removes what godwit created on the source (replication slot, publication, heartbeat objects); with --all also the control schema on the target. Safe to run twice.")
final class CleanupCommand implements Callable<Integer> {
    @Mixin
    TaskArgument task;

    @Option(names = "--all", description = "Also drop the control schema (the task's recorded state) on the target.")
    boolean all;

    @Override
    public Integer call() {
        throw NotBuiltYet.because("cleanup", "cleaning up");
    }
}
