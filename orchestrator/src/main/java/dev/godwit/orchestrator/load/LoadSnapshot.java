package dev.godwit.orchestrator.load;

import dev.godwit.mappings.task.Task;
import dev.godwit.orchestrator.cdc.Publications;
import dev.godwit.orchestrator.failure.FailureKind;
import dev.godwit.orchestrator.failure.GodwitException;
import dev.godwit.orchestrator.plan.Plan;
import dev.godwit.orchestrator.state.TaskStore;
import dev.godwit.workers.cdc.stream.SlotInspector;
import dev.godwit.workers.pg.ExportedSnapshot;
import dev.godwit.workers.pg.Lsn;
import dev.godwit.workers.pg.PgConnector;
import dev.godwit.workers.pg.SnapshotSlot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Set;

/**
 * The snapshot the copy workers import, and what holds it open until they are done (closing it lets it go).
 *
 * <p>A full-load task reads under a snapshot exported from an ordinary transaction. A CDC task's first run creates
 * the publication and then the slot together with its snapshot, and records the slot's consistent point: the copy
 * plus the changes from that point are the whole table. When a later run (a resume) has tables left to copy, the
 * first snapshot is gone: they are copied under a temporary slot's snapshot, and each records that slot's position as
 * its own sync position, at or below which the applier skips its changes. A table rewritten on the source after the
 * snapshot (TRUNCATE, a rewriting ALTER TABLE) is copied again the same way, under a {@link #fresh} snapshot.
 *
 * @param name the snapshot's name, or null when nothing is left to copy
 */
record LoadSnapshot(String name, AutoCloseable holder) implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LoadSnapshot.class);

    static LoadSnapshot take(Task task, PgConnector source, PgConnector target, TaskStore store, Plan plan,
                             boolean needed, Set<String> tablesToCopy) throws SQLException {
        if (!task.type().hasCdc()) {
            if (!needed) {
                return new LoadSnapshot(null, null);
            }
            ExportedSnapshot exported = ExportedSnapshot.export(source);
            return new LoadSnapshot(exported.name(), exported);
        }
        Optional<Lsn> recorded;
        try (Connection t = target.open("control")) {
            recorded = store.find(t).flatMap(TaskStore.TaskRow::consistentPoint);
        }
        if (recorded.isEmpty()) {
            int major = plan.catalog().majorVersion();
            try (Connection s = source.open("publication")) {
                Publications.ensure(s, task.settings().publicationName(), Publications.relations(plan.tables(), major), major);
                dropLeftoverSlot(task, s);
            }
            boolean failover = task.settings().slot().failover();
            SnapshotSlot slot = SnapshotSlot.create(source, task.settings().slotName(),
                    failover ? SnapshotSlot.Kind.FAILOVER : SnapshotSlot.Kind.PERMANENT);
            String what = failover ? "failover slot " : "slot ";
            try (Connection t = target.open("control")) {
                store.setConsistentPoint(t, slot.consistentPoint());
                store.event(t, "INFO", "snapshot", what + slot.slotName() + " created at " + slot.consistentPoint());
            }
            log.info("{}{} created at {} with snapshot {}", what, slot.slotName(), slot.consistentPoint(),
                    slot.snapshotName());
            return new LoadSnapshot(slot.snapshotName(), slot);
        }
        if (!needed) {
            return new LoadSnapshot(null, null);
        }
        SnapshotSlot resync = SnapshotSlot.create(source, task.settings().slotName() + "_sync", true);
        try (Connection t = target.open("control")) {
            t.setAutoCommit(false);
            for (String table : tablesToCopy) {
                store.setSyncLsn(t, table, resync.consistentPoint());
            }
            store.event(t, "INFO", "snapshot", "tables " + tablesToCopy + " copied under a new snapshot at "
                    + resync.consistentPoint() + "; their changes up to there are skipped");
            t.commit();
        }
        log.info("copying {} under a new snapshot at {}; their changes before it are skipped", tablesToCopy,
                resync.consistentPoint());
        return new LoadSnapshot(resync.snapshotName(), resync);
    }

    /**
     * A snapshot taken now, for tables copied again during this run: a CDC task's comes from a temporary slot, whose
     * consistent point ({@link #position}) becomes those tables' sync position.
     */
    static LoadSnapshot fresh(Task task, PgConnector source) throws SQLException {
        if (!task.type().hasCdc()) {
            ExportedSnapshot exported = ExportedSnapshot.export(source);
            return new LoadSnapshot(exported.name(), exported);
        }
        SnapshotSlot slot = SnapshotSlot.create(source, task.settings().slotName() + "_sync", true);
        return new LoadSnapshot(slot.snapshotName(), slot);
    }

    /** The LSN this snapshot is consistent with, when it comes from a slot. */
    Optional<Lsn> position() {
        return holder instanceof SnapshotSlot slot ? Optional.of(slot.consistentPoint()) : Optional.empty();
    }

    /** A slot of this task's name with no recorded position was left by a run that crashed right after creating it. */
    private static void dropLeftoverSlot(Task task, Connection s) throws SQLException {
        Optional<SlotInspector.SlotState> slot = SlotInspector.slot(s, task.settings().slotName());
        if (slot.isPresent() && slot.get().exists()) {
            if (slot.get().active()) {
                throw new GodwitException(FailureKind.FAILED, "replication slot " + task.settings().slotName()
                        + " exists and is in use by another process; choose another settings.slotName or stop that process");
            }
            log.info("dropping slot {}, left by an earlier run before its position was recorded", task.settings().slotName());
            try (var ps = s.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
                ps.setString(1, task.settings().slotName());
                ps.execute();
            }
        }
    }

    @Override
    public void close() throws Exception {
        if (holder != null) {
            holder.close();
        }
    }
}
