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

/** Checklist item 7: a slot confirmed past the checkpoint means changes are gone; godwit refuses loudly. */
@ExtendWith(PgExtension.class)
class SlotCheckIT {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void refusesToContinueWhenTheSlotWasAdvancedPastTheCheckpoint(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(17);
        TestDatabase target = lab.newDatabase(17);
        source.execute(SourceWriter.SCHEMA);
        Path task = CdcIT.task(dir, source, target);
        Process godwit = Godwit.start(dir, "start", task.toString());
        Godwit.awaitLog(dir, Pattern.compile("cdc: streaming slot"), Duration.ofSeconds(120));
        assertEquals(ExitCodes.OK, CliRun.of("stop", task.toString()).exitCode());
        assertTrue(godwit.waitFor(60, TimeUnit.SECONDS));
        // a change the target never gets, then the slot moved past it behind godwit's back
        source.execute("UPDATE accounts SET note = 'lost' WHERE id = 1");
        awaitSlotInactive(source);
        source.execute("SELECT pg_replication_slot_advance('godwit_cdctest', pg_current_wal_lsn())");

        CliRun resume = CliRun.of("resume", task.toString());

        assertEquals(ExitCodes.FAILED, resume.exitCode(), resume::toString);
        assertTrue(resume.err().contains("gone from the slot"), resume::toString);
        assertEquals("n1", target.value("SELECT note FROM accounts WHERE id = 1"), "nothing was applied after the refusal");
    }

    private static void awaitSlotInactive(TestDatabase source) throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            if (source.value("SELECT active FROM pg_replication_slots WHERE slot_name = 'godwit_cdctest'").equals("f")) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the slot stayed active after godwit stopped");
    }
}
