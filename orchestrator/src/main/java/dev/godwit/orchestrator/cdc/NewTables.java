package dev.godwit.orchestrator.cdc;

import dev.godwit.mappings.task.DdlPolicy;
import dev.godwit.mappings.task.Task;
import dev.godwit.orchestrator.failure.FailureKind;
import dev.godwit.orchestrator.failure.GodwitException;
import dev.godwit.orchestrator.load.IdentityColumns;
import dev.godwit.orchestrator.load.TargetBehaviour;
import dev.godwit.orchestrator.plan.PlanRejected;
import dev.godwit.orchestrator.plan.PlannedTable;
import dev.godwit.orchestrator.plan.SchemaPlan;
import dev.godwit.orchestrator.state.TaskStore;
import dev.godwit.workers.pg.KeptConnection;
import dev.godwit.workers.pg.PgConnector;
import dev.godwit.workers.schema.SchemaScript;
import dev.godwit.workers.schema.ScriptRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Tables created on the source after the task was planned that its selection rules match (a deploy's new table, an
 * application that creates a table a month): they join the task while changes stream ({@code cdc.ddl.createTable}).
 * The source's tables are looked at every {@value #LOOK_EVERY_SECONDS} s through a cheap fingerprint (how many tables
 * there are and the newest one's oid); only when it changed is the task planned again to see which are new.
 *
 * <p>Joining is done in an order that makes every crash harmless, the next stream taking it up where it ended:
 * <ol>
 *   <li>the table is created on the target with everything the schema step would create for it (its sequences, keys,
 *       indexes, foreign keys, triggers, policies, grants): the statements a script written for the task's tables and
 *       the new ones has beyond the script of the task's tables alone, in one target transaction; skipped when the
 *       target has the tables already (an attempt that ended before the last step);</li>
 *   <li>it is added to the publication, so that its changes stream from there on;</li>
 *   <li>{@link Reloads} records it in the task together with a reload that copies it under its own sync position
 *       (changes committed before it are in the copy, those after are applied), in one control transaction.</li>
 * </ol>
 * No change of the table is lost in between: before step 2 none is published, and whatever is published before the
 * copy's snapshot is in the copy.
 */
final class NewTables implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NewTables.class);
    private static final long LOOK_EVERY_SECONDS = 5;
    /**
     * The first look waits: it plans the task again, which a stream that has just started (often to catch up after a
     * stop) should not share its CPU with; a table created meanwhile loses nothing by joining later.
     */
    private static final long FIRST_LOOK_AFTER_SECONDS = 30;

    /** Tables to join, with the target DDL that creates them. */
    record Joining(SchemaPlan planned, List<PlannedTable> tables, List<SchemaScript.Statement> ddl) {
        List<String> keys() {
            return tables.stream().map(t -> t.mapping().targetKey()).toList();
        }
    }

    private final Task task;
    private final PgConnector source;
    /** Kept between looks for the fingerprint (every few seconds: a backend started each time otherwise). */
    private final KeptConnection onSource;
    private final PgConnector target;
    private final TaskStore store;
    /** Looks on a thread of its own: planning again can take seconds on a large catalog, which the applier must not wait for. */
    private PeriodicLook looking;
    private final AtomicReference<Joining> found = new AtomicReference<>();
    private final AtomicReference<GodwitException> refused = new AtomicReference<>();
    private volatile String fingerprint;
    /** Tables left out ({@code ignore}) or waiting for their owner to publish them: said once per stream. */
    private final Set<String> said = ConcurrentHashMap.newKeySet();

    private NewTables(Task task, PgConnector source, PgConnector target, TaskStore store) {
        this.task = task;
        this.source = source;
        this.onSource = new KeptConnection(source, "new tables");
        this.target = target;
        this.store = store;
    }

    /** Looks for new tables every few seconds until closed. */
    static NewTables start(Task task, PgConnector source, PgConnector target, TaskStore store) {
        NewTables tables = new NewTables(task, source, target, store);
        tables.looking = PeriodicLook.start("new-tables", Duration.ofSeconds(FIRST_LOOK_AFTER_SECONDS),
                Duration.ofSeconds(LOOK_EVERY_SECONDS), tables::lookQuietly);
        return tables;
    }

    /**
     * The tables found to join, once (called by the applier between source transactions).
     *
     * @throws GodwitException when a new table was found and {@code cdc.ddl.createTable} is {@code stop}
     */
    Optional<Joining> take() {
        GodwitException stop = refused.get();
        if (stop != null) {
            throw stop;
        }
        return Optional.ofNullable(found.getAndSet(null));
    }

    /** A look that fails (a server restarting, say) is made again at the next turn. */
    private void lookQuietly() {
        try {
            if (found.get() == null && refused.get() == null) {
                look().ifPresent(found::set);
            }
        } catch (GodwitException e) {
            refused.set(e);
        } catch (Exception e) {
            log.warn("cdc: looking for new source tables: {} (looked at again in {} s)", e.getMessage(),
                    LOOK_EVERY_SECONDS);
            fingerprint = null;
        }
    }

    /** The tables to join: empty unless the source's tables changed since the last look (or one waits to be published). */
    private Optional<Joining> look() throws SQLException {
        String now = onSource.use(NewTables::fingerprint);
        if (now.equals(fingerprint)) {
            return Optional.empty();
        }
        try (Connection s = source.open("new tables"); Connection control = target.open("new tables")) {
            SchemaPlan fresh;
            try {
                fresh = SchemaPlan.read(task, s);
            } catch (PlanRejected e) {
                fingerprint = now;
                if (said.add("rejected")) {
                    log.warn("cdc: new source tables are not looked for while the task file's rules do not fit the"
                            + " source catalog: {}", e.getMessage());
                }
                return Optional.empty();
            }
            Set<String> recorded = store.tableKeys(control);
            List<PlannedTable> beyond = fresh.tablesBeyond(recorded);
            fingerprint = now;
            if (beyond.isEmpty()) {
                return Optional.empty();
            }
            List<String> keys = beyond.stream().map(t -> t.mapping().targetKey()).toList();
            DdlPolicy.Action action = task.settings().cdc().ddl().createTable();
            if (action == DdlPolicy.Action.STOP) {
                throw new GodwitException(FailureKind.FAILED, "the source has new tables that the selection rules"
                        + " match: " + keys + ", and cdc.ddl.createTable is stop. Exclude them with a selection rule"
                        + " (rule-action: exclude), or set cdc.ddl.createTable: apply to have them join the task;"
                        + " then godwit resume " + task.file());
            }
            if (action == DdlPolicy.Action.IGNORE) {
                if (said.addAll(keys)) {
                    store.event(control, "WARN", "cdc", "new source tables " + keys + " match the selection rules"
                            + " and are left out of the task (cdc.ddl.createTable: ignore)");
                    log.warn("cdc: new source tables {} match the selection rules and are left out of the task"
                            + " (cdc.ddl.createTable: ignore)", keys);
                }
                return Optional.empty();
            }
            return Optional.of(new Joining(fresh.restrictedTo(new HashSet<>(keys)), beyond,
                    ddl(fresh, recorded, keys, TargetBehaviour.needsFallback(task, control))));
        }
    }

    /**
     * The statements a script of the task's tables and the new ones has beyond the script of the task's tables alone,
     * in the script's order; without replica mode, the foreign keys with an action wait for the cutover as the
     * others do.
     */
    private static List<SchemaScript.Statement> ddl(SchemaPlan fresh, Set<String> recorded, List<String> keys,
                                                    boolean fallback) {
        Set<String> joining = new LinkedHashSet<>(recorded);
        joining.addAll(keys);
        SchemaScript with = fresh.restrictedTo(joining).script();
        SchemaScript before = fresh.restrictedTo(recorded).script();
        Set<String> known = new HashSet<>();
        before.preData().forEach(st -> known.add(st.sql()));
        before.postDataInOrder().forEach(st -> known.add(st.sql()));
        List<SchemaScript.Statement> ddl = new ArrayList<>();
        with.preData().stream().filter(st -> !known.contains(st.sql())).forEach(ddl::add);
        with.postData(g -> !(fallback && g.name().equals(SchemaScript.ACTION_FOREIGN_KEYS))).stream()
                .filter(st -> !known.contains(st.sql())).forEach(ddl::add);
        return ddl;
    }

    /**
     * Steps 1 and 2: the tables on the target, then in the publication.
     *
     * @return false when the tables could not be published (godwit does not own them): the owner must add them, which
     *         the next look notices
     */
    boolean prepare(Joining joining, Connection control) throws SQLException {
        try (Connection t = target.open("new tables")) {
            if (!exists(t, joining.tables())) {
                boolean fallback = TargetBehaviour.needsFallback(task, t); // asked outside the transaction: it rolls back
                t.setAutoCommit(false);
                try {
                    ScriptRunner.run(t, joining.ddl());
                    new IdentityColumns().acceptValues(t, joining.planned());
                    if (fallback) {
                        new TargetBehaviour().silence(t, joining.planned());
                    }
                    t.commit();
                } catch (SQLException | RuntimeException e) {
                    t.rollback();
                    throw new GodwitException(FailureKind.FAILED, "the new source tables " + joining.keys()
                            + " could not be created on the target: " + e.getMessage() + ". Create them by hand as"
                            + " on the source, or exclude them with a selection rule; then godwit resume "
                            + task.file(), e);
                }
                joining.ddl().forEach(st -> log.debug("cdc: new tables: {}", st));
                log.info("cdc: created {} on the target ({} statements) for the new source tables",
                        joining.keys(), joining.ddl().size());
            }
        }
        try (Connection s = source.open("new tables")) {
            int major = joining.planned().plan().catalog().majorVersion();
            List<String> unpublished = Publications.ensure(s, task.settings().publicationName(),
                    Publications.relations(joining.tables(), major), major);
            if (unpublished.isEmpty()) {
                return true;
            }
            fingerprint = null; // looked at again until the owner publishes them
            if (said.add("publication " + unpublished)) {
                String fix = "as the tables' owner: ALTER PUBLICATION " + task.settings().publicationName()
                        + " ADD TABLE " + String.join(", ", unpublished);
                store.event(control, "WARN", "cdc", "new source tables " + joining.keys() + " wait to join the task:"
                        + " role " + task.source().user() + " may not add them to the publication; " + fix);
                log.warn("cdc: new source tables {} wait to join the task: role {} may not add them to the"
                        + " publication; {}", joining.keys(), task.source().user(), fix);
            }
            return false;
        }
    }

    /** Whether every table is on the target: then an earlier attempt created them, in the one transaction. */
    private static boolean exists(Connection t, List<PlannedTable> tables) throws SQLException {
        for (PlannedTable table : tables) {
            try (PreparedStatement ps = t.prepareStatement("SELECT 1 FROM pg_class c JOIN pg_namespace n"
                    + " ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?")) {
                ps.setString(1, table.mapping().targetSchema());
                ps.setString(2, table.mapping().targetName());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /** How many tables the source has and its newest one: changes when a table is created or dropped. */
    private static String fingerprint(Connection s) throws SQLException {
        try (PreparedStatement ps = s.prepareStatement("SELECT count(*), coalesce(max(c.oid::int8), 0) FROM pg_class c"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p')"
                + " AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1) + "/" + rs.getLong(2);
        }
    }

    @Override
    public void close() {
        if (looking.stop(Duration.ofSeconds(30))) {
            onSource.close(); // else a look still waits on it: it goes with the process
        }
    }
}
