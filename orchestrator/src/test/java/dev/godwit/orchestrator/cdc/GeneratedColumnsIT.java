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
 * PostgreSQL 18 → 18: a table with a virtual and a stored generated column and a {@code uuidv7()} default is created
 * on the target with both columns generated as on the source (never written: pgoutput sends neither), copied, and
 * kept by CDC through inserts, updates and deletes.
 */
@ExtendWith(PgExtension.class)
class GeneratedColumnsIT {

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void virtualAndStoredGeneratedColumnsAreGeneratedOnTheTargetAndNeverWritten(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(18);
        TestDatabase target = lab.newDatabase(18);
        source.execute("""
                CREATE TABLE items (id uuid PRIMARY KEY DEFAULT uuidv7(), price numeric(10,2) NOT NULL, qty int NOT NULL,
                                    total numeric GENERATED ALWAYS AS (price * qty) VIRTUAL,
                                    label text GENERATED ALWAYS AS ('qty ' || qty) STORED)""",
                "INSERT INTO items (price, qty) SELECT g, g % 7 FROM generate_series(1, 500) g",
                "CREATE TABLE markers (name text PRIMARY KEY)");
        Path task = CdcTasks.write(dir, "gen18", source, target, "validation:\n  enabled: false\n");
        Process godwit = Godwit.start(dir, "start", task.toString());
        try {
            Godwit.awaitLog(dir, Pattern.compile("cdc: streaming slot"), Duration.ofSeconds(120));
            assertEquals("v,s", target.value("SELECT string_agg(attgenerated::text, ',' ORDER BY attnum) FROM"
                    + " pg_attribute WHERE attrelid = 'items'::regclass AND attname IN ('total', 'label')"));
            source.execute("INSERT INTO items (price, qty) VALUES (9.5, 4)",
                    "UPDATE items SET qty = qty + 1 WHERE qty = 3",
                    "DELETE FROM items WHERE qty = 6");
            SourceWriter.mark(source, "done");
            CdcIT.awaitEqual(source, target, List.of("items", "markers"), Duration.ofSeconds(120));
            assertEquals(ExitCodes.OK, CliRun.of("stop", task.toString()).exitCode());
            assertTrue(godwit.waitFor(60, TimeUnit.SECONDS));
            assertEquals(ExitCodes.OK, godwit.exitValue(), () -> Godwit.log(dir));
        } catch (AssertionError | Exception e) {
            System.err.println("godwit log:\n" + Godwit.log(dir));
            throw e;
        } finally {
            godwit.destroyForcibly();
        }
    }
}
