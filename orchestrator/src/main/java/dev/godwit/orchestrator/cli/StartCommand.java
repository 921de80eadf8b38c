package dev.godwit.orchestrator.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

@Command(name = "start", mixinStandardHelpOptions = true,
        description = "Runs the whole task in this process: preflight, target schema, full load under an exported snapshot, then change data capture until stopped or cut over.")
final class StartCommand implements Callable<Integer> {
    @Mixin
    TaskArgument task;

    @Override
    public Integer call() {
        throw NotBuiltYet.because("start", "the migration run (full load and CDC)");
    }
}
