package dev.godwit.orchestrator.load;

import dev.godwit.orchestrator.plan.Sizes;
import dev.godwit.orchestrator.state.TaskStore;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The table printed when a full load ends: per table rows, bytes, copy seconds and rate, then the totals. */
final class LoadReport {
    private final TaskStore store;

    LoadReport(TaskStore store) {
        this.store = store;
    }

    void print(Connection target, PrintWriter out, LoadProgress progress) throws SQLException {
        List<TaskStore.TableRow> tables = store.tables(target);
        Map<String, Long> millis = new HashMap<>();
        Map<String, Integer> units = new HashMap<>();
        for (TaskStore.UnitRow u : store.units(target)) {
            units.merge(u.tableKey(), 1, Integer::sum);
            millis.merge(u.tableKey(), u.millis(), Long::sum);
        }
        int width = Math.max(5, tables.stream().mapToInt(t -> t.tableKey().length()).max().orElse(5));
        out.printf(Locale.ROOT, "%nFull load of task %s%n", store.task());
        out.printf(Locale.ROOT, "%-" + width + "s  %6s  %14s  %10s  %9s  %12s%n", "table", "units", "rows", "bytes", "seconds", "rate");
        long rows = 0;
        long bytes = 0;
        for (TaskStore.TableRow t : tables) {
            double seconds = millis.getOrDefault(t.tableKey(), 0L) / 1000.0;
            out.printf(Locale.ROOT, "%-" + width + "s  %6d  %,14d  %10s  %9.1f  %10s/s%n", t.tableKey(),
                    units.getOrDefault(t.tableKey(), 0), t.rows(), Sizes.human(t.bytes()), seconds,
                    Sizes.human(seconds > 0 ? (long) (t.bytes() / seconds) : 0));
            rows += t.rows();
            bytes += t.bytes();
        }
        double wall = Math.max(0.001, progress.elapsed().toNanos() / 1e9);
        out.printf(Locale.ROOT, "%-" + width + "s  %6s  %,14d  %10s  %9.1f  %10s/s   (wall clock of this run)%n", "total", "",
                rows, Sizes.human(bytes), wall, Sizes.human((long) (progress.bytesCopied() / wall)));
        out.flush();
    }
}
