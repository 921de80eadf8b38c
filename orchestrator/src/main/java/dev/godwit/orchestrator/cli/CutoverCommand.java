package dev.godwit.orchestrator.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

@Command(name = "cutover", mixinStandardHelpOptions = true,
        description = "Ends the migration: checks the apply lag, optionally fences writes on the source, waits until the target has applied everything up to the source's current position, sets every sequence, validates row counts, drops the slot and publication, and prints the report. Runs now, or at a time or on a schedule (kept in the control schema, so it survives a restart of godwit).")
final class CutoverCommand implements Callable<Integer> {
    @Mixin
    TaskArgument task;

    @Option(names = "--at", paramLabel = "TIME", description = "Run the cutover at this time (ISO-8601, e.g. 2026-12-01T02:00:00+01:00).")
    String at;

    @Option(names = "--cron", paramLabel = "EXPR", description = "Run the cutover at the next time this Quartz cron expression fires.")
    String cron;

    @Option(names = "--fence", description = "Make the source database read-only and end the sessions that write before the final catch-up.")
    boolean fence;

    @Option(names = "--cancel", description = "Remove a scheduled cutover.")
    boolean cancel;

    @Override
    public Integer call() {
        throw NotBuiltYet.because("cutover", "cutover");
    }
}
