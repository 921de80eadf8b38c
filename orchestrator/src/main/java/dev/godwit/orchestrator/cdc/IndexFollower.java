package dev.godwit.orchestrator.cdc;

import dev.godwit.mappings.sql.SqlText;
import dev.godwit.mappings.task.DdlPolicy;
import dev.godwit.mappings.task.Task;
import dev.godwit.orchestrator.plan.PlanRejected;
import dev.godwit.orchestrator.plan.PlannedTable;
import dev.godwit.orchestrator.plan.SchemaPlan;
import dev.godwit.orchestrator.state.ControlCheckpoint;
import dev.godwit.orchestrator.state.ControlSchema;
import dev.godwit.orchestrator.state.SourceIndexes;
import dev.godwit.orchestrator.state.TaskStore;
import dev.godwit.workers.catalog.TableKind;
import dev.godwit.workers.pg.KeptConnection;
import dev.godwit.workers.pg.Lsn;
import dev.godwit.workers.pg.PgConnector;
import dev.godwit.workers.schema.SchemaScript;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Plain indexes (not backing a key or constraint) created or dropped on the source's task tables while changes
 * stream, followed on the target ({@code cdc.ddl.indexes}). Runs on a thread of its own, so that an index build never
 * pauses the applier, and looks every {@value #LOOK_EVERY_SECONDS} s at a fingerprint of the source's indexes.
 *
 * <p>An index the target lacks is created only once the applier has applied the source up to a position where the
 * index existed there: a unique index created earlier could meet a duplicate that an older source transaction still
 * brings (a row the source deleted before creating the index). It is built {@code CONCURRENTLY} (the applier keeps
 * writing) unless its table is partitioned; a build that fails leaves no invalid index behind and is tried again at
 * the next look. An index is dropped on the target when godwit saw it on the source before (at the plan, or at an
 * earlier look: the {@code source_index} table) and it is gone now, even if it went while no godwit process ran; an
 * index the target has of its own is never touched.
 */
final class IndexFollower implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IndexFollower.class);
    private static final long LOOK_EVERY_SECONDS = 10;
    /** As for new tables: the first look, which plans the task again, leaves a stream's first seconds to the applier. */
    private static final long FIRST_LOOK_AFTER_SECONDS = 30;

    /** An index to create on the target table {@code table} ({@code schema.name}) once the applier has reached {@code after}. */
    private record Pending(String schema, String table, String name, String sql, boolean concurrently, Lsn after) {
    }

    private final Task task;
    /** Kept between looks (a look every few seconds would otherwise start a backend on each server every time). */
    private final KeptConnection onSource;
    private final KeptConnection onTarget;
    private final ControlSchema schema;
    private final TaskStore store;
    private final SourceIndexes indexes;
    private PeriodicLook looking;
    private String fingerprint;
    private final Map<String, Pending> pending = new LinkedHashMap<>();

    private IndexFollower(Task task, PgConnector source, PgConnector target, ControlSchema schema) {
        this.task = task;
        this.onSource = new KeptConnection(source, "indexes");
        this.onTarget = new KeptConnection(target, "indexes");
        this.schema = schema;
        this.store = new TaskStore(schema, task.name());
        this.indexes = new SourceIndexes(schema, task.name());
    }

    /** Follows the source's indexes until closed; does nothing under {@code cdc.ddl.indexes: ignore}. */
    static IndexFollower start(Task task, PgConnector source, PgConnector target, ControlSchema schema) {
        IndexFollower follower = new IndexFollower(task, source, target, schema);
        if (task.settings().cdc().ddl().indexes() == DdlPolicy.Action.APPLY) {
            follower.looking = PeriodicLook.start("index-follower", Duration.ofSeconds(FIRST_LOOK_AFTER_SECONDS),
                    Duration.ofSeconds(LOOK_EVERY_SECONDS), follower::lookQuietly);
        }
        return follower;
    }

    /** A look that fails (a server restarting, say) is logged and made again at the next turn. */
    private void lookQuietly() {
        try {
            look();
        } catch (Exception e) {
            log.warn("cdc: following the source's indexes: {} (looked at again in {} s)", e.getMessage(),
                    LOOK_EVERY_SECONDS);
            fingerprint = null;
        }
    }

    private void look() throws SQLException {
        onSource.use(s -> onTarget.use(t -> look(s, t)));
    }

    private Void look(Connection s, Connection t) throws SQLException {
        String now = fingerprint(s);
        if (!now.equals(fingerprint)) {
            Lsn existedAt = currentWal(s);
            SchemaPlan planned;
            try {
                planned = SchemaPlan.read(task, s).restrictedTo(store.tableKeys(t));
            } catch (PlanRejected e) {
                log.debug("indexes not followed while the rules do not fit the source catalog", e);
                return null;
            }
            compare(planned, t, existedAt);
            fingerprint = now;
        }
        createReached(t);
        return null;
    }

    private void compare(SchemaPlan planned, Connection t, Lsn existedAt) throws SQLException {
        SchemaScript script = planned.script();
        Map<String, Set<String>> known = indexes.read(t);
        for (PlannedTable table : planned.plan().tables()) {
            String targetTable = SqlText.qualified(table.mapping().targetSchema(), table.mapping().targetName());
            String key = table.mapping().targetKey();
            Set<String> onSource = table.plainIndexes();
            Set<String> onTarget = plainIndexes(t, table.mapping().targetSchema(), table.mapping().targetName());
            for (String name : onSource) {
                if (!onTarget.contains(name)) {
                    statement(script, name, targetTable).ifPresent(sql -> pending.putIfAbsent(key + " " + name,
                            new Pending(table.mapping().targetSchema(), key, name, sql, table.source().kind() != TableKind.PARTITIONED,
                                    existedAt)));
                }
            }
            Set<String> before = known.get(key);
            if (!onSource.equals(before)) {
                indexes.record(t, key, onSource);
            }
            if (before != null) {
                for (String name : before) {
                    if (!onSource.contains(name)) {
                        pending.remove(key + " " + name);
                        if (onTarget.contains(name)) {
                            drop(t, table, name);
                        }
                    }
                }
            }
        }
    }

    /** Creates the pending indexes that the applier's checkpoint has reached. */
    private void createReached(Connection t) throws SQLException {
        if (pending.isEmpty()) {
            return;
        }
        Lsn applied = new ControlCheckpoint(schema, task.name(), t).current();
        for (Pending p : List.copyOf(pending.values())) {
            if (!applied.isValid() || applied.compareTo(p.after()) < 0) {
                continue;
            }
            String sql = p.concurrently() ? p.sql().replaceFirst("^CREATE (UNIQUE )?INDEX ", "CREATE $1INDEX CONCURRENTLY ")
                    : p.sql();
            long started = System.nanoTime();
            try (Statement st = t.createStatement()) {
                st.execute(sql);
                pending.remove(p.table() + " " + p.name());
                String done = "index " + p.name() + " on " + p.table() + " created as on the source in "
                        + (System.nanoTime() - started) / 1_000_000 + " ms";
                log.info("cdc: {}", done);
                store.event(t, "INFO", "cdc", done);
            } catch (SQLException e) {
                // a failed concurrent build leaves an invalid index: it goes, and the build is tried again
                try (Statement st = t.createStatement()) {
                    st.execute("DROP INDEX IF EXISTS " + SqlText.qualified(p.schema(), p.name()));
                }
                log.warn("cdc: index {} on {} could not be created ({}); tried again in {} s", p.name(), p.table(),
                        e.getMessage(), LOOK_EVERY_SECONDS);
            }
        }
    }

    private void drop(Connection t, PlannedTable table, String name) throws SQLException {
        boolean concurrently = table.source().kind() != TableKind.PARTITIONED;
        try (Statement st = t.createStatement()) {
            st.execute("DROP INDEX " + (concurrently ? "CONCURRENTLY " : "") + "IF EXISTS "
                    + SqlText.qualified(table.mapping().targetSchema(), name));
        }
        String done = "index " + name + " on " + table.mapping().targetKey() + " dropped as on the source";
        log.info("cdc: {}", done);
        store.event(t, "INFO", "cdc", done);
    }

    /** The script's statement for the index, when the script creates it (it leaves out an index the target cannot have). */
    private static Optional<String> statement(SchemaScript script, String name, String targetTable) {
        String description = "index " + name + " on " + targetTable;
        return script.postData(g -> g.phase() == SchemaScript.TABLE_PHASE).stream()
                .filter(st -> st.description().equals(description)).map(SchemaScript.Statement::sql).findFirst();
    }

    private static Set<String> plainIndexes(Connection t, String schema, String table) throws SQLException {
        Set<String> out = new TreeSet<>();
        try (PreparedStatement ps = t.prepareStatement("SELECT i.relname FROM pg_index x"
                + " JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?"
                + " AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid)")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private static String fingerprint(Connection s) throws SQLException {
        try (PreparedStatement ps = s.prepareStatement("SELECT count(*), coalesce(max(x.indexrelid::int8), 0),"
                + " count(*) FILTER (WHERE x.indisvalid) FROM pg_index x JOIN pg_class c ON c.oid = x.indrelid"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1) + "/" + rs.getLong(2) + "/" + rs.getLong(3);
        }
    }

    private static Lsn currentWal(Connection s) throws SQLException {
        try (Statement st = s.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_current_wal_lsn()::text")) {
            rs.next();
            return Lsn.parse(rs.getString(1));
        }
    }

    @Override
    public void close() {
        if (looking == null || looking.stop(Duration.ofSeconds(30))) {
            onSource.close(); // else a look still waits on them: they go with the process
            onTarget.close();
        }
    }
}
