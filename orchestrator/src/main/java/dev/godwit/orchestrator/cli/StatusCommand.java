package dev.godwit.orchestrator.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Shows the task's phase, per-table state and rows, CDC lag, the WAL the slot retains, errors and the scheduled cutover.")
final class StatusCommand implements Callable<Integer> {
    @Mixin
    TaskArgument task;

    @Override
    public Integer call() {
        throw NotBuiltYet.because("status", "task status");
    }
}
