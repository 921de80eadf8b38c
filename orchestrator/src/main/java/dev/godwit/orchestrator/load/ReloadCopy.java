package dev.godwit.orchestrator.load;

import dev.godwit.mappings.sql.SqlText;
import dev.godwit.orchestrator.plan.PlannedTable;
import dev.godwit.workers.pg.ExportedSnapshot;
import dev.godwit.workers.pg.Lsn;
import dev.godwit.workers.pg.PgConnector;
import dev.godwit.workers.pg.ReplicaMode;
import dev.godwit.workers.pg.SnapshotSlot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Copies tables again while CDC runs ({@code godwit reload}): a temporary slot's exported snapshot gives the sync
 * position; the target rows are replaced (TRUNCATE, or DELETE for a table other tables' foreign keys point at) and
 * filled by COPY under that snapshot in one target transaction, which is left open: the caller adds the changes it
 * held back and its bookkeeping, and commits, so the reload is on the target whole or not at all.
 *
 * <p>The target session runs in replica mode, as the applier's: the target's triggers do not fire on the copied rows,
 * and the DELETE of a referenced table neither checks nor cascades into the rows that point at it (they point at rows
 * the copy brings back). Without replica mode such a DELETE would fail on (or cascade into) the referencing rows:
 * {@link #problem} refuses that reload before anything is done.
 */
public final class ReloadCopy {
    private static final Logger log = LoggerFactory.getLogger(ReloadCopy.class);

    /** Work on the target session once it is set up, before its transaction begins, knowing the sync position. */
    @FunctionalInterface
    public interface Prepare {
        void run(Connection target, Lsn syncPoint) throws SQLException;
    }

    /**
     * The copy, not committed: {@code target}'s open transaction holds the new rows of every table.
     *
     * @param syncPoint the temporary slot's consistent point: every source transaction committed before it is in the copy
     */
    public record Copied(Connection target, Lsn syncPoint, long rows) implements AutoCloseable {
        /** Rolls back what was not committed and lets the session go. */
        @Override
        public void close() throws SQLException {
            target.close();
        }
    }

    private final PgConnector source;
    private final PgConnector target;
    private final String slotName;
    private final List<PlannedTable> tables;

    /** @param slotName the temporary slot's name, unique on the source while the copy runs */
    public ReloadCopy(PgConnector source, PgConnector target, String slotName, List<PlannedTable> tables) {
        this.source = source;
        this.target = target;
        this.slotName = slotName;
        this.tables = List.copyOf(tables);
    }

    /**
     * Why these tables cannot be reloaded on this target, if they cannot: a table that another table's foreign key
     * points at is emptied by DELETE, which only replica mode keeps from checking or cascading.
     */
    public Optional<String> problem(Connection t) throws SQLException {
        Set<String> referenced = TargetEmptying.referencedFromOutside(t, copies());
        if (referenced.isEmpty() || ReplicaMode.allowed(t)) {
            return Optional.empty();
        }
        return Optional.of("foreign keys of other tables point at " + String.join(", ", referenced) + ", and role "
                + target.endpoint().user() + " may not set session_replication_role on the target: emptying them would"
                + " fail on, or cascade into, the rows that point at them. Reload the referencing tables in the same"
                + " request, or GRANT SET ON PARAMETER session_replication_role TO " + target.endpoint().user()
                + " (PostgreSQL 15+)");
    }

    /** Takes the snapshot, replaces the rows, and returns the open target transaction. */
    public Copied copy(Prepare prepare) throws SQLException {
        Connection t = target.open("reload");
        try {
            ReplicaMode.enable(t);
            try (SnapshotSlot slot = SnapshotSlot.create(source, slotName, true);
                 Connection s = source.open("reload")) {
                prepare.run(t, slot.consistentPoint());
                t.setAutoCommit(false);
                s.setAutoCommit(false);
                ExportedSnapshot.importInto(s, slot.snapshotName());
                TargetEmptying.empty(t, copies());
                long rows = 0;
                for (PlannedTable table : tables) {
                    rows += ChunkCopy.copy(s, t, table, Optional.empty());
                }
                s.commit();
                log.info("reload: {} rows of {} copied under the snapshot at {}", rows, keys(), slot.consistentPoint());
                return new Copied(t, slot.consistentPoint(), rows);
            }
        } catch (SQLException | RuntimeException e) {
            t.close();
            throw e;
        }
    }

    private List<TableCopy> copies() {
        return tables.stream().map(TableCopy::of).toList();
    }

    /**
     * The relations that hold the table's rows, each read {@code FROM ONLY}: a partitioned table's leaves as the
     * source has them now (partitions created since the plan included), else the table itself.
     */
    static List<String> sourceRelations(Connection s, PlannedTable table) throws SQLException {
        String self = SqlText.qualified(table.source().schema(), table.source().name());
        if (!table.isPartitioned()) {
            return List.of(self);
        }
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = s.prepareStatement("SELECT format('%I.%I', n.nspname, c.relname)"
                + " FROM pg_partition_tree(?::regclass) t JOIN pg_class c ON c.oid = t.relid"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE t.isleaf ORDER BY 1")) {
            ps.setString(1, self);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private List<String> keys() {
        return tables.stream().map(t -> t.mapping().targetKey()).toList();
    }
}
