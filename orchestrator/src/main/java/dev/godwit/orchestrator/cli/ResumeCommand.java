package dev.godwit.orchestrator.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

@Command(name = "resume", mixinStandardHelpOptions = true,
        description = "Continues a stopped or crashed task from the state recorded in the control schema, whatever phase it was in.")
final class ResumeCommand implements Callable<Integer> {
    @Mixin
    TaskArgument task;

    @Override
    public Integer call() {
        throw NotBuiltYet.because("resume", "resuming a task");
    }
}
