package dev.godwit.orchestrator.metrics;

import dev.godwit.mappings.task.Task;
import dev.godwit.orchestrator.cdc.CdcStatus;
import dev.godwit.orchestrator.cutover.CutoverLedger;
import dev.godwit.orchestrator.state.ControlSchema;
import dev.godwit.orchestrator.state.Phase;
import dev.godwit.orchestrator.state.TaskStore;
import dev.godwit.workers.cdc.stream.SlotInspector;
import dev.godwit.workers.pg.ConnectionFailure;
import dev.godwit.workers.pg.Lsn;
import dev.godwit.workers.pg.PgConnector;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Reads what {@code godwit status} reads, for the metrics: the control schema on the target and, once the task has a
 * slot, the slot on the source. A new connection per reading: the poller runs every few seconds and must outlive a
 * restart of either server without holding a session on them in between.
 */
final class TaskReader {
    private final Task task;
    private final ControlSchema control;
    private final TaskStore store;
    private final PgConnector source;
    private final PgConnector target;

    TaskReader(Task task) {
        this.task = task;
        this.control = new ControlSchema(task.settings().controlSchema());
        this.store = new TaskStore(control, task.name());
        this.source = new PgConnector("source", task.source());
        this.target = new PgConnector("target", task.target());
    }

    TaskReading read() throws SQLException {
        Instant at = Instant.now();
        try (Connection t = target.open("metrics")) {
            if (!control.exists(t)) {
                return TaskReading.unrecorded(at);
            }
            Optional<TaskStore.TaskRow> row = store.find(t);
            if (row.isEmpty()) {
                return TaskReading.unrecorded(at);
            }
            Optional<CdcStatus> cdc = Optional.empty();
            OptionalLong safeWalSize = OptionalLong.empty();
            OptionalDouble snapshotAge = OptionalDouble.empty();
            boolean streams = task.type().hasCdc() && row.get().consistentPoint().isPresent();
            if (streams || row.get().phase() == Phase.FULL_LOAD) {
                // as in status: a source that cannot be reached leaves its values unknown, not the target's
                try (Connection s = source.open("metrics")) {
                    snapshotAge = OptionalDouble.of(oldestSnapshotSeconds(s));
                    if (streams) {
                        cdc = Optional.of(CdcStatus.read(t, Optional.of(s), Optional.empty(), control, task.name(),
                                task.settings().slotName()));
                        safeWalSize = cdc.get().slot().map(SlotInspector.SlotState::safeWalSize).orElse(OptionalLong.empty());
                    }
                } catch (ConnectionFailure e) {
                    if (streams) {
                        cdc = Optional.of(CdcStatus.read(t, Optional.empty(), Optional.of(e.getMessage()), control,
                                task.name(), task.settings().slotName()));
                    }
                }
            }
            Optional<CutoverLedger.Entry> cutover = new CutoverLedger(control, task.name()).latest(t);
            Validation validation = validation(t);
            return new TaskReading(at, Optional.of(row.get().phase()), tables(t), cdc, received(t), safeWalSize,
                    validation.chunks(), validation.differences(), validation.finished(), cutover, snapshotAge,
                    events(t));
        }
    }

    /**
     * The age of the oldest snapshot godwit's sessions hold open on the source database (the full load's exported
     * snapshot, the copies importing it, a reload's): rows deleted after it cannot be vacuumed away while it stands.
     * The exporting walsender has no transaction start, so its last change of state (the export) stands in.
     */
    private static double oldestSnapshotSeconds(Connection s) throws SQLException {
        try (PreparedStatement ps = s.prepareStatement("SELECT coalesce(extract(epoch FROM now()"
                + " - min(coalesce(xact_start, state_change))), 0)::float8 FROM pg_stat_activity"
                + " WHERE datname = current_database() AND application_name LIKE 'godwit %'"
                + " AND backend_xmin IS NOT NULL AND pid <> pg_backend_pid()");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return Math.max(0, rs.getDouble(1));
        }
    }

    /** The task's recorded warnings and errors, by level. */
    private Map<EventPhase.Key, Long> events(Connection t) throws SQLException {
        Map<EventPhase.Key, Long> out = new HashMap<>();
        try (PreparedStatement ps = t.prepareStatement("SELECT lower(level), step, count(*) FROM " + control.table("event")
                + " WHERE task = ? AND level IN ('WARN', 'ERROR') GROUP BY 1, 2")) {
            ps.setString(1, task.name());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.merge(new EventPhase.Key(rs.getString(1), EventPhase.of(rs.getString(2))), rs.getLong(3), Long::sum);
                }
            }
        }
        return out;
    }

    private List<TaskReading.TableLoad> tables(Connection t) throws SQLException {
        Map<String, long[]> units = new HashMap<>();
        for (TaskStore.UnitRow u : store.units(t)) {
            long[] c = units.computeIfAbsent(u.tableKey(), k -> new long[4]);
            c[1]++;
            if (u.done()) {
                c[0]++;
                c[2] += u.estimatedBytes();
            } else {
                c[3] += u.estimatedBytes();
            }
        }
        return store.tables(t).stream().map(r -> {
            long[] c = units.getOrDefault(r.tableKey(), new long[4]);
            return new TaskReading.TableLoad(r.tableKey(), r.rows(), r.bytes(), c[0], c[1], c[2], c[3]);
        }).toList();
    }

    private Optional<Lsn> received(Connection t) throws SQLException {
        try (PreparedStatement ps = t.prepareStatement("SELECT received_lsn::text FROM " + control.table("cdc_progress")
                + " WHERE task = ?")) {
            ps.setString(1, task.name());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.ofNullable(rs.getString(1)).map(Lsn::parse) : Optional.empty();
            }
        }
    }

    /** The latest finished validation: its chunks by result, and its count of differing chunks. */
    private Validation validation(Connection t) throws SQLException {
        long run;
        long differences;
        Instant finished;
        try (PreparedStatement ps = t.prepareStatement("SELECT id, differences, finished_at FROM " + control.table("validation_run")
                + " WHERE task = ? AND finished_at IS NOT NULL ORDER BY id DESC LIMIT 1")) {
            ps.setString(1, task.name());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return new Validation(Map.of(), OptionalLong.empty(), Optional.empty());
                }
                run = rs.getLong(1);
                differences = rs.getLong(2);
                finished = rs.getTimestamp(3).toInstant();
            }
        }
        Map<String, Long> chunks = new LinkedHashMap<>();
        try (PreparedStatement ps = t.prepareStatement("SELECT state, count(*) FROM " + control.table("validation_result")
                + " WHERE run_id = ? GROUP BY state")) {
            ps.setLong(1, run);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    chunks.put(rs.getString(1).toLowerCase(Locale.ROOT), rs.getLong(2));
                }
            }
        }
        return new Validation(chunks, OptionalLong.of(differences), Optional.of(finished));
    }

    private record Validation(Map<String, Long> chunks, OptionalLong differences, Optional<Instant> finished) {
    }
}
