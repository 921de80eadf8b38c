package dev.godwit.orchestrator.cli;

import dev.godwit.mappings.task.Task;
import dev.godwit.orchestrator.failure.FailureKind;
import dev.godwit.orchestrator.failure.GodwitException;
import dev.godwit.orchestrator.scaleout.ClusterChunks;
import dev.godwit.orchestrator.state.Owners;
import dev.godwit.orchestrator.state.Phase;
import dev.godwit.orchestrator.state.TaskStore;
import dev.godwit.orchestrator.validate.ChunkSpread;
import dev.godwit.orchestrator.validate.ReportPrinter;
import dev.godwit.orchestrator.validate.TaskValidation;
import dev.godwit.orchestrator.validate.ValidationReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Compares source and target at one position: row counts per table and chunk, and with --content an order-free hash of row contents, taken after the mappings. While changes are applied, the applier pauses at the source snapshot's position while the target is read; nothing is locked on the source. Exit code 4 when anything differs.")
final class ValidateCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    TaskArgument task;

    @Option(names = "--content", description = "Also compare an order-free hash of every chunk's rows (default: settings.validation.contentHash).")
    boolean content;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Option(names = "--table", paramLabel = "NAME", description = "Compare only this target table (schema.name, or the name alone); repeatable.")
    List<String> tables = new ArrayList<>();

    @Mixin
    HoldTimeout holdTimeout;

    @Mixin
    WorkersOption workers;

    @Override
    public Integer call() throws Exception {
        Duration hold = holdTimeout.value();
        RecordedTask opened = RecordedTask.open(task.load(), "validate");
        Task loaded = opened.task();
        TaskStore.TaskRow row = opened.row();
        if (row.phase().compareTo(Phase.FULL_LOAD_DONE) < 0 && loaded.type().hasFullLoad()) {
            throw new GodwitException(FailureKind.BAD_INPUT, "the full load of task '" + loaded.name() + "' is not finished"
                    + " (phase " + row.phase() + "): there is nothing complete to compare yet; 'godwit resume "
                    + loaded.file() + "' finishes it");
        }
        boolean streams = loaded.type().hasCdc() && row.phase() != Phase.CUT_OVER && row.phase() != Phase.DONE
                && row.phase() != Phase.FALLEN_BACK;
        Optional<ChunkSpread> spread = workers.distribution(loaded).map(d -> new ClusterChunks(loaded.name(),
                opened.control(), opened.source(), opened.target(), d));
        ValidationReport report = new TaskValidation(loaded, opened.source(), opened.target(), opened.control(), spread)
                .run(content || loaded.settings().validation().contentHash(), tables, streams,
                        streams && Owners.runsElsewhere(row), hold);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            new ReportPrinter().printJson(report, out);
        } else {
            new ReportPrinter().printText(report, out);
        }
        return report.equal() ? ExitCodes.OK : ExitCodes.VALIDATION_DIFFERENCES;
    }
}
