package dev.godwit.orchestrator.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

@Command(name = "preflight", mixinStandardHelpOptions = true,
        description = "Checks source and target for everything that would make the run fail or lose data later, and says how to fix each finding. Exit code 3 when a blocker is found.")
final class PreflightCommand implements Callable<Integer> {
    @Mixin
    TaskArgument task;

    @Override
    public Integer call() {
        throw NotBuiltYet.because("preflight", "preflight checking");
    }
}
