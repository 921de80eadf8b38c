package dev.godwit.orchestrator.cutover;

import dev.godwit.mappings.task.Task;
import dev.godwit.orchestrator.plan.Sizes;

import java.io.PrintWriter;

/**
 * The final report of a cutover: the verdict, the figures and, when not done, why. The steps are not repeated here:
 * each was logged as it happened (and recorded as an event, which a waiting 'godwit cutover' prints), and on a
 * terminal, where the log and this report meet, every step showed twice.
 */
public final class CutoverPrinter {
    private final PrintWriter out;

    public CutoverPrinter(PrintWriter out) {
        this.out = out;
    }

    public void print(Task task, CutoverReport report) {
        out.println();
        out.println(report.done() ? "Cutover of task " + task.name() + ": done." : "Cutover of task " + task.name() + ": NOT done.");
        out.printf("  lag at start: %s of WAL; at the final position: %s; final catch-up: %.1f s%n",
                Sizes.human(report.lagBytesAtStart()), Sizes.human(report.lagBytesAtFence()),
                report.catchUp().toMillis() / 1000.0);
        report.finalLsn().ifPresent(l -> out.println("  final source position: " + l));
        report.rowsValidated().ifPresent(r -> out.printf("  rows validated: %,d on each side%n", r));
        report.failure().ifPresent(f -> out.println("  why: " + f));
        if (report.done()) {
            out.println("  The target holds everything the source committed up to the final position: point the "
                    + "application at the target.");
        }
        out.flush();
    }
}
