package dev.godwit.orchestrator.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

@Command(name = "stop", mixinStandardHelpOptions = true,
        description = "Asks the running task to stop: it finishes the transaction or copy unit at hand, confirms its checkpoint and exits 0.")
final class StopCommand implements Callable<Integer> {
    @Mixin
    TaskArgument task;

    @Override
    public Integer call() {
        throw NotBuiltYet.because("stop", "stopping a running task");
    }
}
