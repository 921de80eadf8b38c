package dev.godwit.orchestrator.cdc;

import dev.godwit.orchestrator.cli.CliRun;
import dev.godwit.orchestrator.cli.ExitCodes;
import dev.godwit.workers.testkit.PgExtension;
import dev.godwit.workers.testkit.PgLab;
import dev.godwit.workers.testkit.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * godwit killed with SIGKILL at seeded random moments of a reload ({@code godwit reload}) and of column DDL being
 * applied, each time resumed, under live writers: every table must end equal to the source, by content.
 *
 * <p>Each kill is aimed by a gate the test holds on the target, so that it lands in the moment it names however
 * fast or loaded the machine is: a row lock on the table's {@code table_state} row (the request is being taken),
 * a table lock (the copy's TRUNCATE, or the applier's ALTER TABLE, waits), advisory locks taken by an
 * {@code ENABLE ALWAYS} trigger of the reload's target session (its COPY stops at a chosen row; the held-back changes
 * stop at their first UPDATE), or the control schema's {@code reload} row turned {@code done}. The gate is let go once
 * godwit is dead: the orphaned target session then finds its client gone and rolls back, as after a real crash. A
 * reconnect within the process, right after a reload, is aimed the same way.
 */
@ExtendWith(PgExtension.class)
class ChangeKillIT {
    private static final Pattern STREAMING = Pattern.compile("cdc: streaming slot");
    private static final Duration WAIT = Duration.ofSeconds(120);

    /** Where in a reload's life a kill lands, in that order. */
    private enum ReloadMoment {
        /** The request is being taken: its {@code copying} mark waits for the test's lock on the table's state row. */
        TAKING,
        /** The copy's slot and snapshot exist, its TRUNCATE of the target table waits for the test's table lock. */
        TRUNCATE,
        /** The COPY has written a random number of rows and waits at the next one. */
        COPY,
        /** The copy is whole and the held-back changes are being applied in its transaction. */
        HELD_BACK,
        /** The copy committed, a random number of source transactions ago. */
        COMMITTED
    }

    /** Where around a column change a kill lands. */
    private enum DdlMoment {
        /** The applier's ALTER TABLE waits for the test's lock on the target table: inside the applier's group. */
        APPLYING,
        /** A random number of source transactions after the DDL: before, while or after it is applied. */
        SOON_AFTER,
        /** The target's catalog shows the change committed, a random number of source transactions ago. */
        COMMITTED
    }

    @TempDir
    Path dir;

    /**
     * Two reloads of {@code accounts} under a writer of every table: the first killed at each moment of its life in
     * turn, the second at three moments drawn from the seed; eight kills, each resumed. The rows the COPY stops at
     * and how many transactions a kill waits for are drawn from the seed too.
     */
    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void reloadSurvivesKill9AtEveryMomentOfItsLife(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(13);
        TestDatabase target = lab.newDatabase(17);
        source.execute(SourceWriter.SCHEMA);
        Path task = CdcTasks.write(dir, "reloadkill", source, target, """
                parallelism: 2
                cdc:
                  heartbeatInterval: 2s
                validation:
                  enabled: false
                """);
        Random random = new Random(20261207);
        List<ReloadMoment> plan = new ArrayList<>(List.of(ReloadMoment.values()));
        List<ReloadMoment> second = new ArrayList<>(List.of(ReloadMoment.values()));
        java.util.Collections.shuffle(second, random);
        plan.addAll(second.subList(0, 3).stream().sorted().toList());

        long began = System.nanoTime();
        Process godwit = Godwit.start(dir, "start", task.toString());
        SourceWriter writer = new SourceWriter(source, 21, 10);
        List<String> landed = new ArrayList<>();
        try {
            Godwit.awaitLog(dir, STREAMING, WAIT);
            installReloadGates(target);
            long request = 0;
            CompletableFuture<CliRun> followed = null;
            for (int i = 0; i < plan.size(); i++) {
                ReloadMoment moment = plan.get(i);
                // a new request after the last one committed, or where the plan starts a reload's life again
                boolean fresh = i == 0 || plan.get(i - 1) == ReloadMoment.COMMITTED
                        || moment.compareTo(plan.get(i - 1)) <= 0;
                writer.awaitTransactions(writer.transactions() + 20 + random.nextInt(60), WAIT);
                try (Connection gate = target.connect()) {
                    gate.setAutoCommit(false);
                    arm(gate, moment, 1 + random.nextInt(15_000));
                    if (fresh) {
                        if (godwit.isAlive()) {
                            followed = CompletableFuture.supplyAsync(() -> CliRun.of("reload", task.toString(), "accounts"));
                            long previous = request;
                            await(() -> previous < number(target, "SELECT coalesce(max(id), 0) FROM godwit.reload"),
                                    "reload request written", godwit);
                        } else {
                            CliRun recorded = CliRun.of("reload", task.toString(), "accounts");
                            assertEquals(ExitCodes.OK, recorded.exitCode(), recorded::toString);
                            assertTrue(recorded.out().contains("recorded"), recorded::toString);
                        }
                        request = number(target, "SELECT max(id) FROM godwit.reload");
                    }
                    if (!godwit.isAlive()) {
                        godwit = Godwit.start(dir, "resume", task.toString());
                    }
                    awaitMoment(target, gate, writer, source, moment, request, random, godwit);
                    godwit.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                    String state = value(target, "SELECT state FROM godwit.reload WHERE id = " + request);
                    String table = value(target, "SELECT state FROM godwit.table_state"
                            + " WHERE table_key = 'public.accounts'");
                    landed.add(seconds(began) + " s " + moment + " (reload " + request + " " + state + ", accounts "
                            + table + ")");
                    assertEquals(expectedState(moment), state, "reload " + request + " when killed at " + moment);
                    assertEquals(moment == ReloadMoment.COMMITTED || moment == ReloadMoment.TAKING ? "ready" : "reloading",
                            table, "public.accounts when killed at " + moment);
                    gate.rollback(); // lets the orphaned session go on, to find its client gone
                    disarm(gate);
                }
                if (followed != null) {
                    CliRun ended = followed.get(60, TimeUnit.SECONDS);
                    assertEquals(ExitCodes.FAILED, ended.exitCode(), ended::toString);
                    followed = null;
                }
            }
            System.out.println("reload kills landed at: " + String.join("; ", landed));
            System.out.println(seconds(began) + " s: last resume");
            godwit = Godwit.start(dir, "resume", task.toString());
            await(() -> number(target, "SELECT count(*) FROM godwit.reload WHERE state <> 'done'") == 0,
                    "every reload done after the last resume", godwit);
            writer.awaitTransactions(writer.transactions() + 100, WAIT);
            writer.close();
            SourceWriter.mark(source, "after-reload-kills");
            CdcIT.awaitEqual(source, target, WAIT);
            assertEquals(2, number(target, "SELECT count(*) FROM godwit.reload WHERE state = 'done'"));
            assertEquals(0, number(target, "SELECT count(*) FROM godwit.table_state WHERE state <> 'ready'"));
            List<String> done = target.column("SELECT message FROM godwit.event WHERE step = 'reload'"
                    + " AND message LIKE 'reload % done:%' ORDER BY id");
            assertEquals(2, done.size(), String.join("\n", done));
            System.out.println(seconds(began) + " s: every table equal");
        } catch (AssertionError | Exception e) {
            System.err.println("godwit log:\n" + Godwit.log(dir));
            throw e;
        } finally {
            writer.close();
            Godwit.stopOrKill(task, godwit);
        }
    }

    /**
     * Four column changes of {@code items} on the source under writers (ADD COLUMN with a default, DROP COLUMN,
     * another of each, {@code dropColumn: apply}), each with two kills. The first add and drop are killed while the
     * applier's ALTER TABLE is under way, with the checkpoint already past the DDL (a marker committed after it is
     * applied before the table's first change in the new shape): the resumed run's plan, read from the source, has the
     * new shape while the target has the old. The other two are killed a random number of transactions after the DDL.
     * Each is killed again once the target has committed it. The target ends with the source's columns and contents.
     */
    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void columnChangesSurviveKill9AroundTheirApply(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(13);
        TestDatabase target = lab.newDatabase(17);
        source.execute(SourceWriter.SCHEMA, """
                CREATE TABLE items (id int PRIMARY KEY, name text, qty int NOT NULL, note text);
                INSERT INTO items SELECT g, 'n' || g, g, 'note ' || g FROM generate_series(1, 5000) g;
                """);
        Path task = CdcTasks.write(dir, "ddlkill", source, target, """
                parallelism: 2
                cdc:
                  heartbeatInterval: 2s
                  ddl: {dropColumn: apply}
                validation:
                  enabled: false
                """);
        Random random = new Random(20261208);
        record Step(String ddl, String column, boolean adds, Map<String, IntFunction<String>> written) {
        }
        Map<String, IntFunction<String>> withStatus = Map.of("status", r -> "'s" + r % 7 + "'");
        Map<String, IntFunction<String>> withPrice = new LinkedHashMap<>(withStatus);
        withPrice.put("price", r -> String.valueOf(r % 100_000 / 100.0));
        List<Step> steps = List.of(
                new Step("ALTER TABLE items ADD COLUMN status text NOT NULL DEFAULT 'new'", "status", true, withStatus),
                new Step("ALTER TABLE items DROP COLUMN name", "name", false, withStatus),
                new Step("ALTER TABLE items ADD COLUMN price numeric(10,2) DEFAULT 9.99", "price", true, withPrice),
                new Step("ALTER TABLE items DROP COLUMN note", "note", false, withPrice));

        long began = System.nanoTime();
        Process godwit = Godwit.start(dir, "start", task.toString());
        SourceWriter writer = new SourceWriter(source, 31, 20);
        ItemsWriter items = new ItemsWriter(source, 32);
        List<String> landed = new ArrayList<>();
        int starts = 1;
        try {
            Godwit.awaitLog(dir, STREAMING, WAIT);
            for (int i = 0; i < steps.size(); i++) {
                Step step = steps.get(i);
                DdlMoment first = i < 2 ? DdlMoment.APPLYING : DdlMoment.SOON_AFTER;
                String column = "SELECT count(*) FROM pg_attribute WHERE attrelid = 'public.items'::regclass"
                        + " AND attname = '" + step.column() + "' AND attnum > 0 AND NOT attisdropped";
                long appliedCount = step.adds() ? 1 : 0;
                for (DdlMoment moment : List.of(first, DdlMoment.COMMITTED)) {
                    items.awaitTransactions(items.transactions() + 20 + random.nextInt(40), WAIT);
                    try (Connection gate = target.connect()) {
                        gate.setAutoCommit(false);
                        if (moment == DdlMoment.APPLYING) {
                            exec(gate, "LOCK TABLE public.items IN ACCESS SHARE MODE"); // the ALTER TABLE waits
                        }
                        if (!godwit.isAlive() && moment != DdlMoment.APPLYING) {
                            godwit = Godwit.start(dir, "resume", task.toString());
                            Godwit.awaitLogCount(dir, STREAMING, ++starts, WAIT);
                        }
                        String marker = "ddl-" + i;
                        if (moment == DdlMoment.APPLYING) {
                            // the checkpoint passes the DDL before the table's first change in the new shape comes
                            items.pause();
                            source.execute(step.ddl());
                            SourceWriter.mark(source, marker);
                        } else if (moment == DdlMoment.SOON_AFTER) {
                            source.execute(step.ddl());
                        }
                        items.write(step.written());
                        if (!godwit.isAlive()) {
                            godwit = Godwit.start(dir, "resume", task.toString());
                            starts++;
                        }
                        Process running = godwit;
                        switch (moment) {
                            case APPLYING -> {
                                await(() -> number(target, "SELECT count(*) FROM markers WHERE name = '" + marker + "'")
                                        == 1, "marker " + marker + " applied", running);
                                items.proceed();
                                await(() -> number(target, "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a"
                                        + " ON a.pid = l.pid WHERE l.relation = 'public.items'::regclass"
                                        + " AND l.mode = 'AccessExclusiveLock' AND NOT l.granted"
                                        + " AND a.application_name LIKE 'godwit%'") > 0, "the ALTER TABLE waiting", running);
                            }
                            case SOON_AFTER -> items.awaitTransactions(items.transactions() + random.nextInt(30), WAIT);
                            case COMMITTED -> {
                                await(() -> number(target, column) == appliedCount, step.ddl() + " on the target",
                                        running);
                                items.awaitTransactions(items.transactions() + random.nextInt(30), WAIT);
                            }
                        }
                        godwit.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                        gate.rollback();
                        landed.add(seconds(began) + " s " + step.ddl().replace("ALTER TABLE items ", "") + " / "
                                + moment + " (on the target: "
                                + (number(target, column) == appliedCount ? "applied" : "not yet") + ")");
                        if (moment == DdlMoment.APPLYING) {
                            assertEquals(1 - appliedCount, number(target, column), "rolled back with the kill");
                        }
                    }
                }
            }
            System.out.println("DDL kills landed at: " + String.join("; ", landed));
            System.out.println(seconds(began) + " s: last resume");
            godwit = Godwit.start(dir, "resume", task.toString());
            writer.awaitTransactions(writer.transactions() + 100, WAIT);
            items.awaitTransactions(items.transactions() + 100, WAIT);
            items.close();
            writer.close();
            SourceWriter.mark(source, "after-ddl-kills");
            List<String> tables = new ArrayList<>(CdcIT.TABLES);
            tables.addAll(List.of("items", "markers"));
            CdcIT.awaitEqual(source, target, tables, WAIT);
            String columns = "SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod)"
                    + " || coalesce(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '')"
                    + " || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END, ', ' ORDER BY a.attnum)"
                    + " FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
                    + " WHERE a.attrelid = 'public.items'::regclass AND a.attnum > 0 AND NOT a.attisdropped";
            assertEquals("id integer NOT NULL, qty integer NOT NULL, status text DEFAULT 'new'::text NOT NULL,"
                    + " price numeric(10,2) DEFAULT 9.99", source.value(columns));
            assertEquals(source.value(columns), target.value(columns));
            System.out.println(seconds(began) + " s: every table equal");
            assertTrue(number(target, "SELECT count(*) FROM items WHERE status = 'new'") > 0,
                    "rows from before the ADD COLUMN have its default on the target too");
        } catch (AssertionError | Exception e) {
            System.err.println("godwit log:\n" + Godwit.log(dir));
            throw e;
        } finally {
            items.close();
            writer.close();
            Godwit.stopOrKill(task, godwit);
        }
    }

    /**
     * Not a kill but its sibling: the applier's target session ends (a reconnect within the same process) right
     * after a reload committed, while the applier is still short of the reload's sync position. The stream starts
     * again from the checkpoint, before that position, with the routing the process read before the reload: the
     * reloaded table's changes that the copy already holds must still be skipped, not applied a second time.
     *
     * <p>Uncommitted target rows of {@code markers} stop the applier at the same markers written on the source: at
     * "gate-1" while the copy's slot waits for an open source transaction (so its sync position comes after), and at
     * "gate-2", written before that position, once the reload is done; there its session is terminated.
     */
    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void aReconnectShortOfAReloadsSyncPositionSkipsWhatTheCopyHolds(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(13);
        TestDatabase target = lab.newDatabase(17);
        source.execute(SourceWriter.SCHEMA);
        Path task = CdcTasks.write(dir, "reloadreconnect", source, target, """
                parallelism: 2
                cdc:
                  heartbeatInterval: 2s
                validation:
                  enabled: false
                """);
        Process godwit = Godwit.start(dir, "start", task.toString());
        SourceWriter writer = new SourceWriter(source, 41, 10);
        try (Connection gate1 = target.connect(); Connection gate2 = target.connect(); Connection open = source.connect()) {
            Godwit.awaitLog(dir, STREAMING, WAIT);
            gate1.setAutoCommit(false);
            gate2.setAutoCommit(false);
            exec(gate1, "INSERT INTO markers VALUES ('gate-1')");
            exec(gate2, "INSERT INTO markers VALUES ('gate-2')");
            String gate2Xid = query(gate2, "SELECT txid_current()");
            open.setAutoCommit(false);
            exec(open, "SELECT txid_current()"); // the copy's slot is consistent only after this transaction
            writer.awaitTransactions(writer.transactions() + 50, WAIT);
            CompletableFuture<CliRun> reload = CompletableFuture.supplyAsync(() ->
                    CliRun.of("reload", task.toString(), "accounts"));
            await(() -> "copying".equals(value(target, "SELECT state FROM godwit.reload WHERE id = 1")),
                    "reload 1 copying", godwit);
            String waiting = "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                    + " WHERE NOT l.granted AND l.locktype = 'transactionid' AND a.application_name = 'godwit cdc apply'";
            SourceWriter.mark(source, "gate-1");
            await(() -> number(target, waiting) == 1, "the applier stopped at gate-1", godwit);
            writer.awaitTransactions(writer.transactions() + 50, WAIT);
            SourceWriter.mark(source, "gate-2");
            writer.awaitTransactions(writer.transactions() + 50, WAIT);
            open.rollback();
            Godwit.awaitLog(dir, Pattern.compile("rows of \\[public.accounts\\] copied under the snapshot"), WAIT);
            gate1.rollback();
            await(() -> "done".equals(value(target, "SELECT state FROM godwit.reload WHERE id = 1"))
                    && number(target, waiting + " AND l.transactionid::text = '" + gate2Xid + "'") == 1,
                    "reload 1 done and the applier stopped at gate-2", godwit);
            assertTrue(number(target, "SELECT count(*) FROM godwit.checkpoint c, godwit.reload r"
                    + " WHERE r.id = 1 AND c.lsn < r.sync_lsn") == 1, "the applier is short of the sync position");
            assertEquals("1", target.value("SELECT count(pg_terminate_backend(a.pid)) FROM pg_locks l"
                    + " JOIN pg_stat_activity a ON a.pid = l.pid WHERE NOT l.granted"
                    + " AND l.transactionid::text = '" + gate2Xid + "'"));
            gate2.rollback();
            Godwit.awaitLog(dir, Pattern.compile("reconnecting from the checkpoint"), WAIT);
            CliRun done = reload.get(120, TimeUnit.SECONDS);
            assertEquals(ExitCodes.OK, done.exitCode(), done::toString);
            writer.awaitTransactions(writer.transactions() + 100, WAIT);
            writer.close();
            SourceWriter.mark(source, "after-reconnect");
            CdcIT.awaitEqual(source, target, WAIT);
            assertTrue(godwit.isAlive(), "godwit streams on after the reconnect");
        } catch (AssertionError | Exception e) {
            System.err.println("godwit log:\n" + Godwit.log(dir));
            throw e;
        } finally {
            writer.close();
            Godwit.stopOrKill(task, godwit);
        }
    }

    // ---------------------------------------------------------------- reload gates

    /**
     * A trigger of the target's {@code accounts} that only the reload's session ({@code application_name} "godwit
     * reload") trips, and it fires there despite replica mode ({@code ENABLE ALWAYS}): the n-th row its transaction
     * inserts waits for advisory lock 1 when n is {@code killgate.gate.copy_row}, and with {@code held_update} set its
     * UPDATEs (only the held-back changes update; the COPY inserts) wait for advisory lock 2.
     */
    private static void installReloadGates(TestDatabase target) {
        target.execute("""
                CREATE SCHEMA killgate;
                CREATE TABLE killgate.gate (copy_row bigint NOT NULL, held_update boolean NOT NULL);
                INSERT INTO killgate.gate VALUES (0, false);
                CREATE FUNCTION killgate.hold() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE
                    n bigint;
                BEGIN
                    IF TG_OP = 'INSERT' THEN
                        n := coalesce(nullif(current_setting('killgate.rows', true), ''), '0')::bigint + 1;
                        PERFORM set_config('killgate.rows', n::text, true);
                        IF n = 1 THEN -- read once per transaction: the COPY fires this for every row
                            PERFORM set_config('killgate.copy_row', (SELECT copy_row FROM killgate.gate)::text, true);
                        END IF;
                        IF n = current_setting('killgate.copy_row')::bigint THEN
                            PERFORM pg_advisory_xact_lock_shared(1);
                        END IF;
                    ELSIF (SELECT held_update FROM killgate.gate) THEN
                        PERFORM pg_advisory_xact_lock_shared(2);
                    END IF;
                    RETURN NEW;
                END $$;
                CREATE TRIGGER killgate BEFORE INSERT OR UPDATE ON public.accounts FOR EACH ROW
                    WHEN (current_setting('application_name') = 'godwit reload') EXECUTE FUNCTION killgate.hold();
                ALTER TABLE public.accounts ENABLE ALWAYS TRIGGER killgate;
                """);
    }

    /** Takes, in {@code gate}'s open transaction (or its session, for advisory locks), what stops godwit there. */
    private static void arm(Connection gate, ReloadMoment moment, int copyRow) throws SQLException {
        switch (moment) {
            case TAKING -> exec(gate, "SELECT FROM godwit.table_state WHERE table_key = 'public.accounts' FOR UPDATE");
            case TRUNCATE -> exec(gate, "LOCK TABLE public.accounts IN ACCESS SHARE MODE");
            case COPY, HELD_BACK -> {
                exec(gate, "SELECT pg_advisory_lock(1), pg_advisory_lock(2)");
                exec(gate, "UPDATE killgate.gate SET copy_row = " + copyRow + ", held_update = "
                        + (moment == ReloadMoment.HELD_BACK));
                gate.commit();
            }
            case COMMITTED -> {
            }
        }
    }

    private static void disarm(Connection gate) throws SQLException {
        exec(gate, "UPDATE killgate.gate SET copy_row = 0, held_update = false");
        gate.commit();
        exec(gate, "SELECT pg_advisory_unlock_all()");
        gate.commit();
    }

    private void awaitMoment(TestDatabase target, Connection gate, SourceWriter writer, TestDatabase source,
                             ReloadMoment moment, long request, Random random, Process godwit) throws Exception {
        String waiting = "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE NOT l.granted"
                + " AND a.application_name LIKE 'godwit%' AND ";
        switch (moment) {
            case TAKING -> await(() -> number(target, waiting + "a.query LIKE 'UPDATE %table_state% SET state%'") > 0,
                    "the reload's copying mark waiting", godwit);
            case TRUNCATE -> await(() -> number(target, waiting + "a.application_name = 'godwit reload'"
                    + " AND l.relation = 'public.accounts'::regclass") > 0, "the reload's TRUNCATE waiting", godwit);
            case COPY -> await(() -> number(target, waiting + "l.locktype = 'advisory' AND l.objid = 1") > 0,
                    "the reload's COPY stopped at its row", godwit);
            case HELD_BACK -> {
                await(() -> number(target, waiting + "l.locktype = 'advisory' AND l.objid = 1") > 0,
                        "the reload's COPY stopped at its row", godwit);
                // changes committed after the copy's snapshot, received (the marker after them is applied) and held
                writer.awaitTransactions(writer.transactions() + 30 + random.nextInt(50), WAIT);
                String marker = "held-" + request + "-" + writer.transactions();
                SourceWriter.mark(source, marker);
                await(() -> number(target, "SELECT count(*) FROM markers WHERE name = '" + marker + "'") == 1,
                        "marker " + marker + " applied while the copy waits", godwit);
                exec(gate, "SELECT pg_advisory_unlock(1)");
                await(() -> number(target, waiting + "l.locktype = 'advisory' AND l.objid = 2") > 0,
                        "the held-back changes stopped at their first UPDATE", godwit);
            }
            case COMMITTED -> {
                await(() -> "done".equals(value(target, "SELECT state FROM godwit.reload WHERE id = " + request)),
                        "reload " + request + " done", godwit);
                writer.awaitTransactions(writer.transactions() + random.nextInt(60), WAIT);
            }
        }
    }

    private static String expectedState(ReloadMoment moment) {
        return switch (moment) {
            case TAKING -> "requested";
            case COMMITTED -> "done";
            default -> "copying";
        };
    }

    // ---------------------------------------------------------------- helpers

    /**
     * Inserts, updates and deletes of {@code items}, each its own transaction, naming only the columns it is told to
     * write besides {@code id} and {@code qty}: the columns dropped are never named, the columns added are once the
     * test has added them.
     */
    private static final class ItemsWriter implements AutoCloseable {
        private final TestDatabase db;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final WriterTally tally = new WriterTally("the items writer");
        private final Thread thread;
        private final AtomicLong pausedTurns = new AtomicLong();
        private volatile Map<String, IntFunction<String>> written = Map.of();
        private volatile boolean paused;

        ItemsWriter(TestDatabase db, long seed) {
            this.db = db;
            this.thread = new Thread(() -> run(new Random(seed)), "items-writer");
            thread.setDaemon(true);
            thread.start();
        }

        void write(Map<String, IntFunction<String>> columns) {
            written = columns;
        }

        long transactions() {
            return tally.transactions();
        }

        /** Returns once the writer is between transactions and writes no more until {@link #proceed()}. */
        void pause() throws InterruptedException {
            paused = true;
            long turns = pausedTurns.get();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (pausedTurns.get() == turns) {
                if (tally.failure() != null || System.nanoTime() > deadline) {
                    throw new AssertionError("the items writer did not pause", tally.failure());
                }
                Thread.sleep(5);
            }
        }

        void proceed() {
            paused = false;
        }

        void awaitTransactions(long n, Duration timeout) throws InterruptedException {
            tally.await(n, timeout);
        }

        private void run(Random random) {
            try (Connection c = db.connect()) {
                c.setAutoCommit(false);
                int nextId = 100_000;
                while (running.get()) {
                    if (paused) {
                        pausedTurns.incrementAndGet();
                        Thread.sleep(5);
                        continue;
                    }
                    Map<String, IntFunction<String>> columns = written;
                    int r = random.nextInt(1_000_000);
                    int id = 1 + random.nextInt(5000);
                    StringBuilder names = new StringBuilder("id, qty");
                    StringBuilder values = new StringBuilder(nextId + ", " + r);
                    StringBuilder set = new StringBuilder("qty = " + r);
                    columns.forEach((name, value) -> {
                        names.append(", ").append(name);
                        values.append(", ").append(value.apply(r));
                        set.append(", ").append(name).append(" = ").append(value.apply(r));
                    });
                    try (Statement s = c.createStatement()) {
                        switch (random.nextInt(5)) {
                            case 0 -> s.execute("INSERT INTO items (" + names + ") VALUES (" + values + ")");
                            case 1 -> s.execute("DELETE FROM items WHERE id = " + id);
                            default -> s.execute("UPDATE items SET " + set + " WHERE id = " + id);
                        }
                    }
                    c.commit();
                    nextId++;
                    tally.committed();
                    Thread.sleep(random.nextInt(10));
                }
            } catch (SQLException | InterruptedException e) {
                tally.failed(e);
            }
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(10_000);
            tally.throwIfFailed();
        }
    }

    private static long seconds(long since) {
        return (System.nanoTime() - since) / 1_000_000_000;
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String query(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); java.sql.ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static String value(TestDatabase db, String sql) {
        try {
            return db.value(sql);
        } catch (IllegalStateException e) {
            return null;
        }
    }

    private static long number(TestDatabase db, String sql) {
        String v = value(db, sql);
        return v == null ? -1 : Long.parseLong(v);
    }

    /** Waits for {@code condition}; fails at once when godwit ended by itself (what it logged says why). */
    private static void await(BooleanSupplier condition, String what, Process godwit) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (!godwit.isAlive()) {
                throw new AssertionError(what + ": godwit ended (exit " + godwit.exitValue() + ") before");
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + WAIT);
            }
            Thread.sleep(50);
        }
    }
}
