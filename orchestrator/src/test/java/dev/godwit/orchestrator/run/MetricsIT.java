package dev.godwit.orchestrator.run;

import dev.godwit.orchestrator.cdc.Godwit;
import dev.godwit.orchestrator.cdc.SourceWriter;
import dev.godwit.orchestrator.cli.CliRun;
import dev.godwit.orchestrator.cli.ExitCodes;
import dev.godwit.workers.pg.Lsn;
import dev.godwit.workers.testkit.PgExtension;
import dev.godwit.workers.testkit.PgLab;
import dev.godwit.workers.testkit.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code godwit start --metrics-port} as a separate process under a live writer: what {@code /metrics} serves during
 * change data capture agrees with the control schema on the target and the slot on the source, the applier's commits
 * and reconnects are counted as they happen, and the endpoint is gone when the run ends.
 */
@ExtendWith(PgExtension.class)
class MetricsIT {
    private static final Pattern STREAMING = Pattern.compile("cdc: streaming slot");
    private static final String TRANSACTIONS = "godwit_cdc_transactions_applied_total";
    private static final String CHANGES = "godwit_cdc_changes_applied_total";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    /**
     * Holds the full load on its last step: the keys of the table whose copy finished last wait, on the target, for an
     * advisory lock the test holds (an event trigger that fires for godwit's post-data once every unit is done), so
     * the phase stays the full load with every unit copied until the test lets go.
     */
    private static final String HOLD_LAST_KEYS = """
            CREATE FUNCTION hold_last_keys() RETURNS event_trigger LANGUAGE plpgsql AS $$
            BEGIN
              -- nested: the inner condition is planned only once the control schema exists
              IF to_regclass('godwit.unit') IS NOT NULL THEN
                IF EXISTS (SELECT FROM godwit.unit) AND NOT EXISTS (SELECT FROM godwit.unit WHERE state <> 'done') THEN
                  PERFORM pg_advisory_lock_shared(4242);
                  PERFORM pg_advisory_unlock_shared(4242);
                END IF;
              END IF;
            END $$;
            CREATE EVENT TRIGGER hold_last_keys ON ddl_command_end EXECUTE FUNCTION hold_last_keys();
            ALTER EVENT TRIGGER hold_last_keys ENABLE ALWAYS;
            """;

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void metricsDuringTheFullLoadAndCdcAgreeWithTheControlSchemaAndTheSlot(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(lab.dedicatedServer(17, Map.of("max_slot_wal_keep_size", "'1GB'"), List.of()));
        TestDatabase target = lab.newDatabase(17);
        source.execute(SourceWriter.SCHEMA);
        target.execute(HOLD_LAST_KEYS);
        Path task = FullLoadFixtures.taskFile(dir, "metricstest", "full-load-and-cdc", source, target,
                FullLoadFixtures.PUBLIC_TABLES, """
                        parallelism: 2
                        splitThreshold: 512kB
                        cdc:
                          heartbeatInterval: 2s
                        metrics:
                          interval: 1s
                        """);
        int port = freePort();
        java.sql.Connection hold = target.connect();
        hold.createStatement().execute("SELECT pg_advisory_lock(4242)");
        Process godwit = Godwit.start(dir, "start", task.toString(), "--metrics-port", Integer.toString(port));
        try (SourceWriter writer = new SourceWriter(source, 17)) {
            // a scrape may come from a reading older than table_state's sums (made as a table's state changes, after
            // its last unit), or fall between the per-table gauges of two readings (replaced one after the other)
            Scrape load = awaitScrape(port, s -> s.has("godwit_phase", "phase", "full_load")
                    && s.value("godwit_phase", "phase", "full_load") == 1 && allUnitsDone(s)
                    && tablesAsRecorded(target, s), Duration.ofSeconds(60));
            assertEquals(0, load.value("godwit_phase", "phase", "cdc"));
            assertEquals(0, load.value("godwit_full_load_eta_seconds"), "nothing left to copy");
            assertTablesAsRecorded(target, load);
            hold.close();
            Godwit.awaitLog(dir, STREAMING, Duration.ofSeconds(90));
            // the applier writes its rate every 10 s while it streams: the first such line is the last value to come
            Scrape cdc = awaitScrape(port, s -> s.has("godwit_phase", "phase", "cdc")
                    && s.value("godwit_phase", "phase", "cdc") == 1
                    && !Double.isNaN(s.value("godwit_cdc_transactions_per_second"))
                    && !Double.isNaN(s.value("godwit_cdc_received_lsn_bytes")), Duration.ofSeconds(60));
            Lsn checkpoint = Lsn.parse(target.value("SELECT lsn FROM godwit.checkpoint WHERE task = 'metricstest'"));
            Lsn consistentPoint = Lsn.parse(target.value("SELECT consistent_point FROM godwit.task"));

            assertEquals(0, cdc.value("godwit_phase", "phase", "full_load"));
            double applied = cdc.value("godwit_cdc_applied_lsn_bytes");
            assertTrue(applied >= consistentPoint.value() && applied <= checkpoint.value(), "applied " + applied
                    + " lies between the consistent point " + consistentPoint + " and the later checkpoint " + checkpoint);
            assertTrue(cdc.value("godwit_cdc_confirmed_lsn_bytes") <= checkpoint.value(),
                    "the slot is never confirmed past what the target committed");
            assertTrue(cdc.value("godwit_source_wal_lsn_bytes") >= applied);
            assertEquals(cdc.value("godwit_source_wal_lsn_bytes") - applied, cdc.value("godwit_cdc_lag_bytes"));
            assertTrue(cdc.value("godwit_cdc_lag_seconds") >= 0);
            assertEquals(1, cdc.value("godwit_slot_active"));
            assertEquals(1, cdc.value("godwit_slot_wal_status", "status", "reserved"));
            assertEquals(0, cdc.value("godwit_slot_wal_status", "status", "lost"));
            assertTrue(cdc.value("godwit_slot_retained_wal_bytes") > 0);
            double safe = cdc.value("godwit_slot_safe_wal_size_bytes");
            // the server counts the keep size from the start of the current WAL segment, so it may pass 1 GB by a segment
            assertTrue(safe > 900e6 && safe < 1024L * 1024 * 1024 + 64 * 1024 * 1024,
                    "safe_wal_size near max_slot_wal_keep_size: " + safe);
            assertEquals(0, cdc.value("godwit_cdc_apply_exceptions_total"));
            assertSnapshotAged(source, port);
            assertTrue(cdc.samples().keySet().stream().anyMatch(k -> k.startsWith("jvm_memory_used_bytes{")),
                    "the JVM's binders are served too");
            // kept for a look at the exposition (docs/monitoring.md quotes it)
            java.nio.file.Files.writeString(Path.of("target", "metrics-scrape.txt"), cdc.text());

            // the full load is over: every table's rows, bytes and units are what the control schema recorded
            assertTablesAsRecorded(target, cdc);
            // the writer runs from before the snapshot, so the exact count is the control schema's, compared above
            assertTrue(cdc.value("godwit_full_load_rows", "table", "public.accounts") > 19_000);

            // OpenMetrics for a scraper that asks for it
            HttpResponse<String> open = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/metrics"))
                    .header("Accept", "application/openmetrics-text; version=1.0.0").build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(open.headers().firstValue("Content-Type").orElse("").startsWith("application/openmetrics-text"));
            assertTrue(open.body().contains("# TYPE godwit_cdc_apply_exceptions counter") && open.body().endsWith("# EOF\n"),
                    open::body);

            // another run asking for the same port is refused before it touches the task
            CliRun taken = CliRun.of("resume", task.toString(), "--metrics-port", Integer.toString(port));
            assertEquals(ExitCodes.BAD_INPUT, taken.exitCode(), taken::toString);
            assertTrue(taken.err().contains("metrics port " + port + " is in use"), taken::toString);

            // a validation's chunks appear by result once it is recorded
            CliRun validate = CliRun.of("validate", task.toString());
            assertEquals(ExitCodes.OK, validate.exitCode(), validate::toString);
            long chunks = Long.parseLong(target.value("SELECT count(*) FROM godwit.validation_result WHERE run_id ="
                    + " (SELECT max(id) FROM godwit.validation_run)"));
            double finished = Double.parseDouble(target.value("SELECT extract(epoch FROM finished_at)"
                    + " FROM godwit.validation_run ORDER BY id DESC LIMIT 1"));
            Scrape validated = awaitScrape(port, s -> Math.abs(s.value("godwit_validation_finished_timestamp_seconds") - finished) < 0.002,
                    Duration.ofSeconds(30));
            assertEquals(chunks, validated.value("godwit_validation_chunks", "result", "equal"));
            assertTrue(chunks >= 5);
            assertEquals(0, validated.value("godwit_validation_chunks", "result", "rows"));
            assertEquals(0, validated.value("godwit_validation_differences"));
            assertTrue(validated.value("godwit_cdc_applied_lsn_bytes") >= applied, "the applied position only grows");

            // the meters only the process knows, moved by the applier at each target commit
            Scrape before = scrape(port);
            int marks = 25;
            for (int i = 0; i < marks; i++) {
                SourceWriter.mark(source, "metrics-" + i); // one source transaction each
            }
            awaitMarkers(target, marks);
            // the counters move right after the commit that made the markers visible
            Scrape counted = awaitScrape(port, s -> s.value(TRANSACTIONS) - before.value(TRANSACTIONS) >= marks
                    && s.value(CHANGES, "operation", "insert") - before.value(CHANGES, "operation", "insert") >= marks,
                    Duration.ofSeconds(10));
            assertTrue(counted.value(CHANGES, "operation", "update") > 0, "the writer's updates are counted");
            assertTrue(counted.value(CHANGES, "operation", "delete") > 0, "the writer's deletes are counted");
            assertEquals(0, counted.value(CHANGES, "operation", "truncate"));
            assertTrue(counted.value("godwit_cdc_commit_seconds_count") > 0);
            assertTrue(counted.value("godwit_cdc_commit_seconds_sum") > 0);
            assertTrue(counted.value("godwit_cdc_group_commit_transactions_count") > 0);
            assertTrue(counted.value("godwit_cdc_group_commit_transactions_sum") >= marks);
            assertTrue(counted.value("godwit_cdc_group_commit_transactions_count")
                    <= counted.value("godwit_cdc_group_commit_transactions_sum"), "every group holds a transaction");
            assertTrue(counted.has("godwit_cdc_commit_seconds_bucket", "le", "0.05"), "the commit time has buckets");

            // the apply session dies: CDC reconnects from the checkpoint, counts it, and goes on counting
            double reconnects = counted.value("godwit_cdc_reconnects_total");
            assertEquals("1", target.value("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    + " WHERE application_name = 'godwit cdc apply'"));
            Godwit.awaitLog(dir, Pattern.compile("reconnecting from the checkpoint"), Duration.ofSeconds(60));
            SourceWriter.mark(source, "metrics-" + marks);
            awaitMarkers(target, marks + 1);
            Scrape reconnected = awaitScrape(port, s -> s.value(TRANSACTIONS) > counted.value(TRANSACTIONS),
                    Duration.ofSeconds(10));
            assertEquals(reconnects + 1, reconnected.value("godwit_cdc_reconnects_total"));

            // the reconnection is a recorded warning; the task's recorded events are counted from the event table
            assertEquals("1", target.value("SELECT count(*) FROM godwit.event WHERE task = 'metricstest' AND level = 'WARN'"
                    + " AND message LIKE 'reconnecting from the checkpoint (attempt 1) after: %'"));
            target.execute("INSERT INTO godwit.event (task, level, step, message)"
                    + " VALUES ('metricstest', 'ERROR', 'test', 'recorded by the test')");
            double errors = Double.parseDouble(target.value("SELECT count(*) FROM godwit.event"
                    + " WHERE task = 'metricstest' AND level = 'ERROR'"));
            double warnings = Double.parseDouble(target.value("SELECT count(*) FROM godwit.event"
                    + " WHERE task = 'metricstest' AND level = 'WARN'"));
            Scrape events = awaitScrape(port, s -> s.sum("godwit_events_total", "level", "error") == errors
                    && s.sum("godwit_events_total", "level", "warn") == warnings, Duration.ofSeconds(30));
            // by phase: the reconnection is change data capture's, the error (a step of no phase) the run's
            assertTrue(events.value("godwit_events_total", "level", "warn", "phase", "cdc") >= 1, events::toString);
            assertEquals(1, events.value("godwit_events_total", "level", "error", "phase", "run"), events::toString);
            assertEquals(0, events.value("godwit_events_total", "level", "error", "phase", "cutover"),
                    "every level and phase is there from the start, at 0");

            // a cutover whose fence stopped the source's writes for 7.5 s before it failed (the cutover tests record
            // real ones): the latest cutover's state and its fenced time
            target.execute("INSERT INTO godwit.cutover (task, requested_by, fence, state, started_at, fenced_at,"
                    + " finished_at) VALUES ('metricstest', 'test', true, 'failed', now() - interval '8 s',"
                    + " now() - interval '7.5 s', now())");
            Scrape cutover = awaitScrape(port, s -> s.value("godwit_cutover_state", "state", "failed") == 1,
                    Duration.ofSeconds(30));
            assertEquals(7.5, cutover.value("godwit_cutover_fenced_seconds"), 0.001);
        } catch (AssertionError | Exception e) {
            System.err.println("godwit log:\n" + Godwit.log(dir));
            throw e;
        } finally {
            hold.close();
            Godwit.stopOrKill(task, godwit);
        }
        assertEquals(0, godwit.exitValue());
        assertThrows(ConnectException.class, () -> scrape(port), "the endpoint closes with the run");
    }

    /**
     * A snapshot a godwit session holds open on the source is aged as pg_stat_activity ages it, and no longer once the
     * session let it go.
     */
    private static void assertSnapshotAged(TestDatabase source, int port) throws Exception {
        String age = "SELECT coalesce(max(extract(epoch FROM now() - xact_start)), 0) FROM pg_stat_activity"
                + " WHERE application_name = 'godwit probe'";
        try (java.sql.Connection probe = source.connect(); java.sql.Statement st = probe.createStatement()) {
            st.execute("SET application_name = 'godwit probe'");
            probe.setAutoCommit(false);
            st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
            st.executeQuery("SELECT count(*) FROM accounts").close();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (Double.parseDouble(source.value(age)) < 2) {
                assertTrue(System.nanoTime() < deadline, "the probe's transaction did not age");
                Thread.sleep(100);
            }
            awaitScrape(port, s -> s.value("godwit_source_snapshot_age_seconds") >= 2, Duration.ofSeconds(30));
            probe.rollback();
        }
        awaitScrape(port, s -> s.value("godwit_source_snapshot_age_seconds") < 2, Duration.ofSeconds(30));
    }

    /** Waits until the target holds {@code n} of the markers named {@code metrics-*}. */
    private static void awaitMarkers(TestDatabase target, int n) throws InterruptedException {
        String sql = "SELECT count(*) FROM markers WHERE name LIKE 'metrics-%'";
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (Long.parseLong(target.value(sql)) < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the target has " + target.value(sql) + " of " + n + " markers after 60 s");
            }
            Thread.sleep(100);
        }
    }

    private static boolean allUnitsDone(Scrape s) {
        List<String> units = s.samples().keySet().stream().filter(k -> k.startsWith("godwit_full_load_units{")).toList();
        return !units.isEmpty() && units.stream().allMatch(k -> s.samples().get(k) > 0
                && s.samples().get(k).equals(s.samples().get(k.replace("godwit_full_load_units{", "godwit_full_load_units_done{"))));
    }

    private static boolean tablesAsRecorded(TestDatabase target, Scrape scrape) {
        try {
            assertTablesAsRecorded(target, scrape);
            return true;
        } catch (AssertionError e) {
            return false;
        }
    }

    private static void assertTablesAsRecorded(TestDatabase target, Scrape scrape) {
        List<String> tables = target.column("SELECT table_key FROM godwit.table_state ORDER BY 1");
        assertEquals(5, tables.size(), tables::toString);
        for (String table : tables) {
            String where = " FROM godwit.table_state WHERE table_key = '" + table + "'";
            assertEquals(Double.parseDouble(target.value("SELECT rows_copied" + where)),
                    scrape.value("godwit_full_load_rows", "table", table), table);
            assertEquals(Double.parseDouble(target.value("SELECT bytes_copied" + where)),
                    scrape.value("godwit_full_load_copied_bytes", "table", table), table);
            String units = "SELECT count(*) FROM godwit.unit WHERE table_key = '" + table + "'";
            assertEquals(Double.parseDouble(target.value(units)), scrape.value("godwit_full_load_units", "table", table));
            assertEquals(Double.parseDouble(target.value(units + " AND state = 'done'")),
                    scrape.value("godwit_full_load_units_done", "table", table));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static Scrape scrape(int port) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        return Scrape.parse(response.body());
    }

    private static Scrape awaitScrape(int port, Predicate<Scrape> condition, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Scrape last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = scrape(port);
            } catch (ConnectException e) {
                // the process is still starting: its endpoint opens before the run's first step
            }
            if (last != null && condition.test(last)) {
                return last;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("/metrics did not reach the expected state within " + timeout + ":\n" + last);
    }

    /** The samples of one scrape, by name and label set, from the Prometheus text format. */
    private record Scrape(Map<String, Double> samples, String text) {
        private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)$");
        private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

        static Scrape parse(String text) {
            Map<String, Double> samples = new HashMap<>();
            for (String line : text.split("\n")) {
                Matcher m = SAMPLE.matcher(line);
                if (line.startsWith("#") || !m.matches()) {
                    continue;
                }
                Map<String, String> labels = new java.util.TreeMap<>();
                if (m.group(3) != null) {
                    Matcher l = LABEL.matcher(m.group(3));
                    while (l.find()) {
                        labels.put(l.group(1), l.group(2));
                    }
                }
                samples.put(key(m.group(1), labels), Double.parseDouble(m.group(4)));
            }
            return new Scrape(samples, text);
        }

        /** Every sample carries the label task; these are the others. */
        private static String key(String name, Map<String, String> labels) {
            Map<String, String> sorted = new java.util.TreeMap<>(labels);
            return name + sorted;
        }

        boolean has(String name, String... labels) {
            return samples.containsKey(key(name, labelMap(labels)));
        }

        /** The sum of the samples of {@code name} that carry these labels, whatever their other labels. */
        double sum(String name, String... labels) {
            Map<String, String> wanted = labelMap(labels);
            double total = 0;
            for (Map.Entry<String, Double> e : parse(text).samples().entrySet()) {
                String key = e.getKey();
                if (key.startsWith(name + "{") && wanted.entrySet().stream().allMatch(w -> key.contains(w.getKey() + "="
                        + w.getValue() + ",") || key.contains(w.getKey() + "=" + w.getValue() + "}"))) {
                    total += e.getValue();
                }
            }
            return total;
        }

        double value(String name, String... labels) {
            Double v = samples.get(key(name, labelMap(labels)));
            if (v == null) {
                throw new AssertionError("no sample " + key(name, labelMap(labels)) + " in:\n" + text);
            }
            return v;
        }

        private static Map<String, String> labelMap(String... pairs) {
            Map<String, String> m = new HashMap<>();
            m.put("task", "metricstest");
            for (int i = 0; i < pairs.length; i += 2) {
                m.put(pairs[i], pairs[i + 1]);
            }
            return m;
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
