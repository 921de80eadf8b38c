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
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code godwit stop --at}: CDC applies exactly the transactions committed up to an LSN, or up to a time by the
 * source's clock, and stops by itself; a resume afterwards goes on past it.
 */
@ExtendWith(PgExtension.class)
class StopAtIT {

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void cdcStopsExactlyAtAnLsnAndAtATime(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(13);
        TestDatabase target = lab.newDatabase(17);
        source.execute("CREATE TABLE ticks (n int PRIMARY KEY)");
        Path task = CdcTasks.write(dir, "stopat", source, target, "validation:\n  enabled: false\n");
        Process godwit = Godwit.start(dir, "start", task.toString());
        Godwit.awaitLog(dir, Pattern.compile("cdc: streaming slot"), Duration.ofSeconds(120));
        assertEquals(ExitCodes.OK, CliRun.of("stop", task.toString()).exitCode());
        assertTrue(godwit.waitFor(60, TimeUnit.SECONDS));

        insert(source, 1, 30);
        String lsn = source.value("SELECT pg_current_wal_lsn()");
        insert(source, 31, 50);
        CliRun at = CliRun.of("stop", task.toString(), "--at", lsn);
        assertEquals(ExitCodes.OK, at.exitCode(), at.toString());
        Process resumed = Godwit.start(dir, "resume", task.toString());
        assertTrue(resumed.waitFor(90, TimeUnit.SECONDS), "the run stops by itself at the LSN");
        assertEquals(0, resumed.exitValue(), () -> Godwit.log(dir));
        assertEquals("30", target.value("SELECT count(*) FROM ticks"), "everything up to the LSN, nothing after it");
        assertEquals("30", target.value("SELECT max(n) FROM ticks"));
        assertTrue(Pattern.compile("last run .*stopped in cdc \\(stop point " + Pattern.quote(lsn) + " reached\\)")
                .matcher(CliRun.of("status", task.toString()).out()).find(), () -> CliRun.of("status", task.toString()).out());

        String time = source.value("SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')");
        insert(source, 51, 60); // committed after the time: not applied
        at = CliRun.of("stop", task.toString(), "--at", time);
        assertEquals(ExitCodes.OK, at.exitCode(), at.toString());
        resumed = Godwit.start(dir, "resume", task.toString());
        assertTrue(resumed.waitFor(90, TimeUnit.SECONDS), "the run stops by itself at the time");
        assertEquals(0, resumed.exitValue(), () -> Godwit.log(dir));
        assertEquals("50", target.value("SELECT count(*) FROM ticks"), "everything committed before the time, nothing after");

        Process past = Godwit.start(dir, "resume", task.toString()); // the stop point was reached: it is cleared
        try {
            CdcIT.awaitEqual(source, target, java.util.List.of("ticks"), Duration.ofSeconds(90));
        } finally {
            Godwit.stopOrKill(task, past);
        }
    }

    /** One transaction per row, so that a stop point can fall between any two. */
    private static void insert(TestDatabase db, int from, int to) {
        for (int n = from; n <= to; n++) {
            db.execute("INSERT INTO ticks VALUES (" + n + ")");
        }
    }
}
