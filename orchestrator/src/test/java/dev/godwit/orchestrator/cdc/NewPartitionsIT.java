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
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Partitions created on the source while changes stream: one created ahead, as pg_partman does, and one created in
 * the transaction that fills it, under a writer that keeps going; and one created while godwit is stopped. Each is
 * created on the target before the first change that needs it, and nothing is lost or skipped.
 */
@ExtendWith(PgExtension.class)
class NewPartitionsIT {
    private static final List<String> TABLES = List.of("events");

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void partitionsCreatedAheadJustInTimeAndWhileStoppedReachTheTargetBeforeTheirRows(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(13);
        TestDatabase target = lab.newDatabase(17);
        source.execute("""
                CREATE TABLE events (id bigint, at date, payload text, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
                CREATE TABLE events_2026_11 PARTITION OF events FOR VALUES FROM ('2026-11-01') TO ('2026-12-01');
                CREATE TABLE events_2026_12 PARTITION OF events FOR VALUES FROM ('2026-12-01') TO ('2027-01-01');
                INSERT INTO events SELECT g, date '2026-11-01' + (g % 60), 'p' || g FROM generate_series(1, 1000) g;
                """);
        // errorPolicy log-and-continue would skip a row that finds no partition: it must not
        Path task = CdcTasks.write(dir, "parts", source, target, "validation:\n  enabled: false\nerrorPolicy: log-and-continue\n");
        Process godwit = Godwit.start(dir, "start", task.toString());
        try {
            Godwit.awaitLog(dir, Pattern.compile("cdc: streaming slot"), Duration.ofSeconds(120));
            source.execute("CREATE TABLE events_2027_01 PARTITION OF events FOR VALUES FROM ('2027-01-01') TO ('2027-02-01')",
                    "INSERT INTO events SELECT g, date '2026-12-01' + (g % 40), 'q' || g FROM generate_series(1001, 1500) g",
                    "BEGIN; CREATE TABLE events_2027_02 PARTITION OF events FOR VALUES FROM ('2027-02-01') TO ('2027-03-01');"
                            + " INSERT INTO events VALUES (2000, '2027-02-14', 'just in time'); COMMIT",
                    "UPDATE events SET at = '2027-02-01' WHERE id = 1001"); // moves a row into a new partition
            CdcIT.awaitEqual(source, target, TABLES, Duration.ofSeconds(120));
            assertEquals(ExitCodes.OK, CliRun.of("stop", task.toString()).exitCode());
            assertTrue(godwit.waitFor(60, TimeUnit.SECONDS), "godwit stops");
        } finally {
            godwit.destroyForcibly();
        }
        source.execute("CREATE TABLE events_2027_03 PARTITION OF events FOR VALUES FROM ('2027-03-01') TO ('2027-04-01')",
                "INSERT INTO events VALUES (3000, '2027-03-03', 'while stopped')");
        Process resumed = Godwit.start(dir, "resume", task.toString());
        try {
            CdcIT.awaitEqual(source, target, TABLES, Duration.ofSeconds(120));
        } finally {
            resumed.destroyForcibly();
        }
        assertEquals(List.of("events_2026_11", "events_2026_12", "events_2027_01", "events_2027_02", "events_2027_03"),
                target.column("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                        + " WHERE i.inhparent = 'events'::regclass ORDER BY 1"));
        assertEquals("0", target.value("SELECT count(*) FROM godwit.apply_exception"), "nothing skipped");
        assertTrue(Godwit.log(dir).contains("created 2 partition(s) the source gained since the plan")
                || Godwit.log(dir).contains("created 1 partition(s) the source gained since the plan"), Godwit.log(dir));
    }
}
