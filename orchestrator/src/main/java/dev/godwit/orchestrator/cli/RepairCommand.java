package dev.godwit.orchestrator.cli;

import dev.godwit.mappings.task.Task;
import dev.godwit.orchestrator.failure.FailureKind;
import dev.godwit.orchestrator.failure.GodwitException;
import dev.godwit.orchestrator.state.Owners;
import dev.godwit.orchestrator.state.Phase;
import dev.godwit.orchestrator.state.TaskStore;
import dev.godwit.orchestrator.validate.Repair;
import dev.godwit.orchestrator.validate.ReportPrinter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;

@Command(name = "repair", mixinStandardHelpOptions = true,
        description = "Copies again, from the source, the chunks that the latest 'validate --content' found different, then validates those tables again. While changes are applied, the applier pauses at a fresh source snapshot's position for the copy (as a validation pauses it); only the chunks' rows are replaced. Exit code 4 when a difference remains.")
final class RepairCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    TaskArgument task;

    @Mixin
    HoldTimeout holdTimeout;

    @Override
    public Integer call() throws Exception {
        Duration hold = holdTimeout.value();
        RecordedTask opened = RecordedTask.open(task.load(), "repair");
        Task loaded = opened.task();
        TaskStore.TaskRow row = opened.row();
        if (row.phase() == Phase.CUT_OVER || row.phase() == Phase.DONE || row.phase() == Phase.FALLEN_BACK) {
            throw new GodwitException(FailureKind.BAD_INPUT, "task '" + loaded.name() + "' is cut over: the target is"
                    + " the primary now, and copying source rows over it would undo the application's writes");
        }
        if (row.phase().compareTo(Phase.FULL_LOAD_DONE) < 0 && loaded.type().hasFullLoad()) {
            throw new GodwitException(FailureKind.BAD_INPUT, "the full load of task '" + loaded.name() + "' is not"
                    + " finished (phase " + row.phase() + "); 'godwit resume " + loaded.file() + "' finishes it");
        }
        boolean streams = loaded.type().hasCdc();
        Repair.Result result = new Repair(loaded, opened.source(), opened.target(), opened.control())
                .run(streams, streams && Owners.runsElsewhere(row), hold);
        PrintWriter out = spec.commandLine().getOut();
        if (result.chunks() == 0 && result.notRepaired().isEmpty()) {
            out.println("Nothing to repair: the latest content validation (run " + result.repairedRun()
                    + ") found the tables equal.");
        } else {
            out.printf("Repair of validation run %d: %d chunk(s) copied again%s: %d rows deleted on the target, %d copied"
                    + " from the source.%n", result.repairedRun(), result.chunks(), result.position()
                    .map(p -> " at source position " + p).orElse(""), result.rowsDeleted(), result.rowsCopied());
            result.notRepaired().forEach(n -> out.println("  not repaired: " + n));
            result.validation().ifPresent(report -> {
                out.println("Validated again:");
                new ReportPrinter().printText(report, out);
            });
        }
        out.flush();
        return result.equal() ? ExitCodes.OK : ExitCodes.VALIDATION_DIFFERENCES;
    }
}
