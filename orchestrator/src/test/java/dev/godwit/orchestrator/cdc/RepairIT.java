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
 * {@code godwit repair} after rows were changed behind godwit's back on the target: while a live writer changes the
 * other tables and godwit streams, then again with no godwit process running. Only the chunks the content validation
 * found different are copied again; the tables are equal afterwards, and stay so as changes keep streaming.
 */
@ExtendWith(PgExtension.class)
class RepairIT {
    private static final Pattern STREAMING = Pattern.compile("cdc: streaming slot");
    private static final List<String> TABLES = List.of("accounts", "events", "swap_unique", "ledger");

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void repairCopiesAgainOnlyTheDifferentChunksWhileChangesStreamAndWithNoProcess(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(13);
        TestDatabase target = lab.newDatabase(17);
        source.execute(SourceWriter.SCHEMA,
                "CREATE TABLE ledger (id int PRIMARY KEY, v text)",
                "INSERT INTO ledger SELECT g, 'v' || g FROM generate_series(1, 5000) g");
        Path task = CdcTasks.write(dir, "repairs", source, target, """
                cdc:
                  heartbeatInterval: 2s
                validation:
                  enabled: false
                  partitionSize: 500
                """);
        Process godwit = Godwit.start(dir, "start", task.toString());
        try (SourceWriter writer = new SourceWriter(source, 5)) {
            Godwit.awaitLog(dir, STREAMING, Duration.ofSeconds(120));
            writer.awaitTransactions(100, Duration.ofSeconds(60));
            target.execute("DELETE FROM ledger WHERE id = 10", "UPDATE ledger SET v = 'changed' WHERE id = 4321",
                    "INSERT INTO ledger VALUES (9999, 'extra')");
            CliRun validate = CliRun.of("validate", task.toString(), "--content");
            assertEquals(ExitCodes.VALIDATION_DIFFERENCES, validate.exitCode(), validate::toString);
            CliRun repair = CliRun.of("repair", task.toString());
            assertEquals(ExitCodes.OK, repair.exitCode(), () -> repair + "\n" + Godwit.log(dir));
            // three chunks of about 500 keys out of ten: those of ids 10, 4321 and the last, open one
            assertTrue(repair.out().contains("3 chunk(s) copied again"), repair.out());
            writer.awaitTransactions(writer.transactions() + 100, Duration.ofSeconds(60));
        }
        CdcIT.awaitEqual(source, target, TABLES, Duration.ofSeconds(120));
        Godwit.stopOrKill(task, godwit);

        // with no process running the task, repair applies the changes itself while it holds the position
        source.execute("UPDATE ledger SET v = 'while stopped' WHERE id BETWEEN 2000 AND 2010");
        target.execute("UPDATE ledger SET v = 'behind its back' WHERE id = 3000");
        assertEquals(ExitCodes.VALIDATION_DIFFERENCES, CliRun.of("validate", task.toString(), "--content").exitCode());
        CliRun repair = CliRun.of("repair", task.toString());
        assertEquals(ExitCodes.OK, repair.exitCode(), repair::toString);
        assertTrue(repair.out().contains("1 chunk(s) copied again"), repair.out());
        CdcIT.awaitEqual(source, target, TABLES, Duration.ofSeconds(60));
        CliRun again = CliRun.of("repair", task.toString());
        assertTrue(again.out().contains("Nothing to repair"), again.out());
        String events = target.value("SELECT string_agg(message, ' | ') FROM godwit.event WHERE step = 'repair'");
        assertTrue(events.contains("validated again: equal"), events);
    }
}
