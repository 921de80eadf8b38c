package dev.godwit.orchestrator.cdc;

import dev.godwit.mappings.task.Task;
import dev.godwit.orchestrator.load.ReloadCopy;
import dev.godwit.orchestrator.plan.PlannedTable;
import dev.godwit.orchestrator.state.ControlApplyExceptions;
import dev.godwit.orchestrator.state.ControlSchema;
import dev.godwit.orchestrator.state.TableState;
import dev.godwit.orchestrator.state.TaskStore;
import dev.godwit.workers.catalog.CatalogReader;
import dev.godwit.workers.catalog.SourceCatalog;
import dev.godwit.workers.cdc.apply.ApplyOptions;
import dev.godwit.workers.cdc.apply.Applier;
import dev.godwit.workers.copy.RewriteCheck;
import dev.godwit.workers.cdc.apply.ChangeApplier;
import dev.godwit.workers.cdc.apply.Checkpoint;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage;
import dev.godwit.workers.pg.Lsn;
import dev.godwit.workers.pg.PgConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Tables copied again while the applier streams ({@code godwit reload}), without pausing the other tables. Lives for
 * one stream (one applier); every decision is taken on the applier's thread between source transactions, the copy
 * itself runs on a thread of its own.
 *
 * <p>The order that makes it exact:
 * <ol>
 *   <li>Between source transactions the applier commits its group, then the request is marked {@code copying} and
 *       its tables {@code reloading} (committed); from the next message on, the tables' changes are <b>held back</b>
 *       from the applier (kept here, per source transaction) while everything else is applied and checkpointed.</li>
 *   <li>The copy thread creates a temporary slot whose snapshot gives the sync position S, replaces the tables' rows
 *       under it in one target transaction, and leaves that transaction open.</li>
 *   <li>Between source transactions again, once the copy is done: the applier commits its group (its checkpoint C now
 *       covers every held-back transaction), then the held-back transactions whose commit is at or after S are
 *       applied inside the copy's transaction by an applier of their own (those before S are in the snapshot), the
 *       request is marked {@code done}, its tables {@code ready} with sync position S, and that transaction commits.
 *       The tables' next changes go to the applier as before, except, while the applier is still short of S (it lags,
 *       or restarted from an older checkpoint), those of transactions committing before S: the copy holds them. A
 *       restart after this commit skips them the same way, through the sync position in {@code table_state}, and a
 *       new stream of the same process (a reconnect, whose routing was read before the reload) through the finished
 *       reloads of the ledger.</li>
 * </ol>
 * A crash before the copy commits leaves the request {@code copying}: the target holds the old rows, some of the
 * tables' changes were let go with the checkpoint, and the next stream holds the tables' changes back from its first
 * message and copies again. A crash after it finds the request done. Held-back changes are kept in memory, at most
 * {@value #MAX_HELD_CHANGES}: past that the applier waits for the copy to end (a pause, not unbounded memory).
 */
final class Reloads implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Reloads.class);
    private static final Duration POLL = Duration.ofSeconds(1);
    static final int MAX_HELD_CHANGES = 200_000;

    /**
     * What the reloads of a task may copy: its tables, routed on the target as the catalog has them; tables the
     * source gains join them (see {@link NewTables}).
     */
    record Scope(Task task, PgConnector source, PgConnector target, ControlSchema schema, List<PlannedTable> tables,
                 SourceCatalog targetCatalog, Routing routing) {
    }

    /** A reload's tables, by target key and by the relation ids the stream gave them, and its sync position. */
    private record Settled(Set<String> keys, Set<Long> relationIds, Lsn syncPoint) {
    }

    /** One message held back, with where it was received. */
    private record Held(Lsn walPosition, PgOutputMessage message) {
    }

    /** The request being copied and what is held back for it. */
    private final class Active {
        final ReloadLedger.Entry entry;
        final Set<String> keys;
        final Set<Long> relationIds = new HashSet<>();
        final List<Held> held = new ArrayList<>();
        List<Held> open;
        boolean openKept;
        long heldChanges;
        Future<ReloadCopy.Copied> copy;
        volatile Connection copySession;
        ChangeApplier side;
        Lsn syncPoint;

        Active(ReloadLedger.Entry entry) {
            this.entry = entry;
            this.keys = new LinkedHashSet<>(entry.tables());
            // the stream sent these before the reload began: the held-back changes' applier needs them first
            for (PgOutputMessage.Type t : types.values()) {
                held.add(new Held(Lsn.INVALID, t));
            }
            for (PgOutputMessage.Relation r : relations.values()) {
                if (reloaded(r)) {
                    relationIds.add(r.relationId());
                    held.add(new Held(Lsn.INVALID, r));
                }
            }
        }

        boolean reloaded(PgOutputMessage.Relation r) {
            return Reloads.this.reloaded(keys, r);
        }
    }

    private final Scope scope;
    private final Connection control;
    private final Routing routing;
    private final List<PlannedTable> tables;
    private SourceCatalog targetCatalog;
    private final NewTables newTables;
    private final ApplyOptions options;
    private final ReloadLedger ledger;
    private final TaskStore store;
    private final Map<Long, PgOutputMessage.Relation> relations = new HashMap<>();
    private final Map<Long, PgOutputMessage.Type> types = new HashMap<>();
    private final ExecutorService copier = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "reload-copy");
        t.setDaemon(true);
        return t;
    });
    private Active active;
    /**
     * Reloads done while the applier had not reached their sync position yet (it lags, or restarted from an older
     * checkpoint): their tables' changes of transactions committing before it are in the copy, and are dropped.
     */
    private final List<Settled> settled = new ArrayList<>();
    /** The commit position of the source transaction being received. */
    private Lsn receiving = Lsn.INVALID;
    private Instant lastPoll = Instant.EPOCH;
    private boolean waitLogged;

    /**
     * A request left {@code copying} by an earlier stream (stopped, failed or killed) is taken up at once: its
     * tables' changes are held back from the first message on.
     */
    Reloads(Scope scope, Connection control, ApplyOptions options) throws SQLException {
        this.scope = scope;
        this.control = control;
        this.routing = scope.routing();
        this.tables = new ArrayList<>(scope.tables());
        this.targetCatalog = scope.targetCatalog();
        this.options = options;
        this.ledger = new ReloadLedger(scope.schema(), scope.task().name());
        this.store = new TaskStore(scope.schema(), scope.task().name());
        this.newTables = NewTables.start(scope.task(), scope.source(), scope.target(), store);
        // a stream started again by this process (a reconnect) may start short of a reload's sync position with a
        // routing read before that reload: the copy's changes are dropped here as after finish()
        for (ReloadLedger.Entry done : ledger.done(control)) {
            done.syncLsn().ifPresent(s -> settled.add(new Settled(Set.copyOf(done.tables()), new HashSet<>(), s)));
        }
        List<ReloadLedger.Entry> copying = ledger.copying(control);
        if (!copying.isEmpty()) {
            active = new Active(copying.get(0));
            log.info("reload {} of {} was interrupted: its tables are copied again", active.entry.id(), active.keys);
        }
    }

    /** Whether a reload is under way: a catch-up to a position is not reached while a table is being replaced. */
    boolean active() {
        return active != null;
    }

    /**
     * What the applier gets of {@code message}: the reloaded tables' changes are held back (null), a TRUNCATE loses
     * them from its list; everything else passes, and is noted when a held-back change will need it.
     */
    PgOutputMessage divert(Lsn walPosition, PgOutputMessage message) {
        if (message instanceof PgOutputMessage.Begin begin) {
            receiving = begin.finalLsn();
            settled.removeIf(x -> !receiving.isBefore(x.syncPoint()));
        }
        if (!settled.isEmpty()) {
            message = dropCopied(message);
            if (message == null) {
                return null;
            }
        }
        if (message instanceof PgOutputMessage.Relation r) {
            relations.put(r.relationId(), r);
            if (active != null && active.reloaded(r)) {
                active.relationIds.add(r.relationId());
                hold(walPosition, r, false);
            }
            return message;
        }
        if (message instanceof PgOutputMessage.Type type) {
            types.put(type.typeOid(), type);
            if (active != null) {
                hold(walPosition, type, false);
            }
            return message;
        }
        if (active == null) {
            return message;
        }
        if (message instanceof PgOutputMessage.Begin) {
            active.open = new ArrayList<>();
            active.openKept = false;
            active.open.add(new Held(walPosition, message));
            return message;
        }
        if (message instanceof PgOutputMessage.Commit) {
            if (active.open != null && active.openKept) {
                active.open.add(new Held(walPosition, message));
                active.held.addAll(active.open);
            }
            active.open = null;
            return message;
        }
        Long relationId = relationOf(message);
        if (relationId != null && active.relationIds.contains(relationId)) {
            hold(walPosition, message, true);
            return null;
        }
        if (message instanceof PgOutputMessage.Truncate truncate) {
            List<Long> reloaded = truncate.relationIds().stream().filter(active.relationIds::contains).toList();
            if (reloaded.isEmpty()) {
                return message;
            }
            // the reloaded tables are emptied by their own applier; neither side cascades into the other's tables
            hold(walPosition, new PgOutputMessage.Truncate(reloaded, false, truncate.restartIdentity()), true);
            List<Long> others = truncate.relationIds().stream().filter(id -> !active.relationIds.contains(id)).toList();
            return others.isEmpty() ? null : new PgOutputMessage.Truncate(others, false, truncate.restartIdentity());
        }
        return message;
    }

    /** Without the changes that a settled reload's copy already holds (the transaction commits before its sync point). */
    private PgOutputMessage dropCopied(PgOutputMessage message) {
        if (message instanceof PgOutputMessage.Relation r) {
            for (Settled x : settled) {
                if (reloaded(x.keys(), r)) {
                    x.relationIds().add(r.relationId());
                }
            }
            return message;
        }
        Set<Long> copied = new HashSet<>();
        for (Settled x : settled) {
            if (receiving.isBefore(x.syncPoint())) {
                copied.addAll(x.relationIds());
            }
        }
        Long relationId = relationOf(message);
        if (relationId != null) {
            return copied.contains(relationId) ? null : message;
        }
        if (message instanceof PgOutputMessage.Truncate truncate
                && truncate.relationIds().stream().anyMatch(copied::contains)) {
            List<Long> others = truncate.relationIds().stream().filter(id -> !copied.contains(id)).toList();
            return others.isEmpty() ? null : new PgOutputMessage.Truncate(others, false, truncate.restartIdentity());
        }
        return message;
    }

    private boolean reloaded(Set<String> keys, PgOutputMessage.Relation r) {
        return routing.apply(r).map(a -> keys.contains(a.targetSchema() + "." + a.targetName())).orElse(false);
    }

    private void hold(Lsn walPosition, PgOutputMessage message, boolean change) {
        if (active.open != null) {
            active.open.add(new Held(walPosition, message));
            active.openKept = true;
        } else {
            active.held.add(new Held(walPosition, message));
        }
        if (change) {
            active.heldChanges++;
        }
    }

    private static Long relationOf(PgOutputMessage message) {
        if (message instanceof PgOutputMessage.Insert i) {
            return i.relationId();
        }
        if (message instanceof PgOutputMessage.Update u) {
            return u.relationId();
        }
        if (message instanceof PgOutputMessage.Delete d) {
            return d.relationId();
        }
        return null;
    }

    /**
     * Called between source transactions: takes a new request or new source tables, starts a copy, or finishes one
     * that is done.
     *
     * @param confirm confirms to the slot what the applier has committed
     */
    void between(Applier applier, Runnable confirm) throws Exception {
        if (active == null) {
            if (Duration.between(lastPoll, Instant.now()).compareTo(POLL) >= 0) {
                lastPoll = Instant.now();
                Optional<ReloadLedger.Entry> next = ledger.next(control);
                if (next.isPresent()) {
                    begin(next.get(), applier, confirm);
                    return;
                }
                Optional<NewTables.Joining> joining = newTables.take();
                if (joining.isPresent() && !store.tableKeys(control).containsAll(joining.get().keys())) {
                    // the target DDL (a foreign key to a task table, say) must not wait for the applier's open group
                    applier.drain();
                    confirm.run();
                    if (newTables.prepare(joining.get(), control)) {
                        join(joining.get(), applier);
                    }
                }
            }
            return;
        }
        if (active.copy == null) {
            startCopy();
            return;
        }
        if (active.copy.isDone() && rewritten(active.copy).isPresent()) {
            // its snapshot saw the table empty: a new copy under a new snapshot; the held-back changes below its
            // position are then skipped as in the copy, as always
            String why = rewritten(active.copy).get().getMessage();
            store.event(control, "WARN", "reload", "reload " + active.entry.id() + ": " + why
                    + "; copying again under a new snapshot");
            log.warn("reload {}: {}; copying again under a new snapshot", active.entry.id(), why);
            startCopy();
            return;
        }
        if (active.copy.isDone() || active.heldChanges > MAX_HELD_CHANGES) {
            if (!active.copy.isDone() && !waitLogged) {
                waitLogged = true;
                log.warn("reload {}: {} changes held back; the applier waits for the copy to end", active.entry.id(),
                        active.heldChanges);
            }
            finish(applier, confirm);
        }
    }

    private void begin(ReloadLedger.Entry entry, Applier applier, Runnable confirm) throws Exception {
        List<PlannedTable> tables = tables(entry.tables());
        Optional<String> problem = tables.size() < entry.tables().size()
                ? Optional.of("not tables of this task: " + entry.tables().stream().filter(k -> tables.stream()
                .noneMatch(t -> t.mapping().targetKey().equals(k))).toList())
                : copyOf(tables).problem(control);
        if (problem.isPresent()) {
            ledger.refused(control, entry.id(), problem.get());
            store.event(control, "WARN", "reload", "reload " + entry.id() + " of " + entry.tables() + " refused: "
                    + problem.get());
            log.warn("reload {} of {} refused: {}", entry.id(), entry.tables(), problem.get());
            return;
        }
        applier.drain(); // the copy's TRUNCATE must not wait for the applier's open group
        confirm.run();
        inControlTransaction(() -> {
            markCopying(entry);
            return null;
        });
        activate(entry);
    }

    /**
     * New source tables join the task (step 3 of {@link NewTables}): recorded as its tables with a reload that is
     * copying, in one control transaction, so that a restart holds their changes back from its first message and
     * copies them; then routed, here and in the applier.
     */
    private void join(NewTables.Joining joining, Applier applier) throws Exception {
        try (Connection t = scope.target().open("new tables")) {
            targetCatalog = new CatalogReader(t).readRelations();
        }
        List<String> keys = joining.keys();
        ReloadLedger.Entry entry = inControlTransaction(() -> {
            TaskTables.record(control, scope.schema(), scope.task().name(), joining.tables());
            long id = ledger.request(control, keys, "new source tables");
            store.event(control, "INFO", "cdc", "new source tables " + keys + " join the task (cdc.ddl.createTable:"
                    + " apply): created on the target and published; reload " + id + " copies them");
            ReloadLedger.Entry requested = ledger.find(control, id).orElseThrow();
            markCopying(requested);
            return requested;
        });
        tables.addAll(joining.tables());
        routing.add(joining.tables(), targetCatalog, Map.of());
        applier.routeAgain();
        log.info("cdc: new source tables {} join the task", keys);
        activate(entry);
    }

    private void markCopying(ReloadLedger.Entry entry) throws SQLException {
        ledger.copying(control, entry.id());
        for (String key : entry.tables()) {
            store.setTableState(control, key, TableState.RELOADING);
        }
        store.event(control, "INFO", "reload", "reload " + entry.id() + " of " + String.join(", ", entry.tables())
                + " started (" + entry.requestedBy() + "); their changes are held back until the copy commits");
    }

    private void activate(ReloadLedger.Entry entry) {
        active = new Active(entry);
        log.info("reload {} of {}: copying; other tables stream on", entry.id(), active.keys);
        startCopy();
    }

    /** Work on the control connection that commits whole or not at all. */
    private interface ControlWork<T> {
        T run() throws SQLException;
    }

    private <T> T inControlTransaction(ControlWork<T> work) throws SQLException {
        boolean auto = control.getAutoCommit();
        control.setAutoCommit(false);
        try {
            T result = work.run();
            control.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            control.rollback();
            throw e;
        } finally {
            control.setAutoCommit(auto);
        }
    }

    private void startCopy() {
        Active a = active;
        ReloadCopy copy = copyOf(tables(a.entry.tables()));
        a.copy = copier.submit(() -> copy.copy((session, syncPoint) -> {
            a.copySession = session;
            a.syncPoint = syncPoint;
            a.side = new ChangeApplier(session, new Routing(tables(a.entry.tables()), targetCatalog, Map.of()),
                    fixedAt(syncPoint), options.withMaxTransactionsPerCommit(Integer.MAX_VALUE).withGroupClock(() -> 0L),
                    new ControlApplyExceptions(scope.schema(), scope.task().name()));
        }));
    }

    private void finish(Applier applier, Runnable confirm) throws Exception {
        Active a = active;
        ReloadLedger.Entry entry = a.entry;
        try (ReloadCopy.Copied copied = awaitCopy(a)) {
            applier.drain(); // its checkpoint now covers every held-back transaction
            confirm.run();
            long applied = 0;
            boolean after = false;
            for (Held h : a.held) {
                a.side.accept(h.walPosition(), h.message());
                if (h.message() instanceof PgOutputMessage.Begin b) {
                    after = !b.finalLsn().isBefore(copied.syncPoint());
                } else if (after && (relationOf(h.message()) != null || h.message() instanceof PgOutputMessage.Truncate)) {
                    applied++;
                }
            }
            Connection t = copied.target();
            for (String key : entry.tables()) {
                store.setTableState(t, key, TableState.READY);
                store.setSyncLsn(t, key, copied.syncPoint());
            }
            ledger.done(t, entry.id(), copied.syncPoint(), copied.rows());
            String done = "reload " + entry.id() + " of " + String.join(", ", entry.tables()) + " done: "
                    + copied.rows() + " rows copied under the snapshot at " + copied.syncPoint() + ", then "
                    + applied + " held-back changes applied from there, " + (a.heldChanges - applied)
                    + " skipped as in the copy";
            store.event(t, "INFO", "reload", done);
            a.side.commitPending(); // sends what is queued and commits, when it applied anything
            t.commit();
            log.info(done);
            log.debug("reload {}: the held-back changes' applier: {}", entry.id(), a.side.stats());
        }
        settled.add(new Settled(a.keys, new HashSet<>(a.relationIds), a.syncPoint));
        active = null;
        waitLogged = false;
    }

    /** The copy's failure when it failed because its table was rewritten after its snapshot. */
    private static Optional<RewriteCheck.RelationRewritten> rewritten(Future<ReloadCopy.Copied> copy) {
        try {
            copy.get(0, TimeUnit.SECONDS);
            return Optional.empty();
        } catch (ExecutionException e) {
            return e.getCause() instanceof RewriteCheck.RelationRewritten r ? Optional.of(r) : Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (java.util.concurrent.TimeoutException e) {
            return Optional.empty();
        }
    }

    private static ReloadCopy.Copied awaitCopy(Active a) throws Exception {
        try {
            return a.copy.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** The held-back transactions' applier skips those that commit before the copy's snapshot. */
    private static Checkpoint fixedAt(Lsn syncPoint) {
        return new Checkpoint() {
            @Override
            public void write(Connection target, Lsn commitEndLsn, Instant commitTime) {
                // the reload's own bookkeeping is written by finish(), in the same transaction
            }

            @Override
            public Lsn current() {
                return syncPoint;
            }
        };
    }

    /**
     * The temporary slot is named for this process and the moment: the slot of a killed run's copy may live on until
     * its walsender notices the closed connection.
     */
    private ReloadCopy copyOf(List<PlannedTable> tables) {
        String base = scope.task().settings().slotName();
        String slot = base.substring(0, Math.min(base.length(), 36)) + "_reload_" + ProcessHandle.current().pid()
                + "_" + Long.toString(System.currentTimeMillis(), 36);
        return new ReloadCopy(scope.source(), scope.target(), slot, tables);
    }

    private List<PlannedTable> tables(List<String> keys) {
        return tables.stream().filter(t -> keys.contains(t.mapping().targetKey())).toList();
    }

    /**
     * Ends with the stream: a copy not committed is rolled back (its session closed, which also ends a statement
     * still waiting), and the request stays {@code copying} for the next stream.
     */
    @Override
    public void close() {
        if (active != null && active.copy != null) {
            log.info("reload {} of {} interrupted before its copy committed: the next stream copies again",
                    active.entry.id(), active.keys);
            Connection session = active.copySession;
            if (session != null) {
                try {
                    session.close();
                } catch (SQLException e) {
                    log.debug("closing the reload's session", e);
                }
            }
            if (active.copy.isDone() && !active.copy.isCancelled()) {
                try {
                    active.copy.get().close();
                } catch (Exception e) {
                    log.debug("the interrupted reload's copy", e);
                }
            }
        }
        newTables.close();
        copier.shutdownNow();
        try {
            copier.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
