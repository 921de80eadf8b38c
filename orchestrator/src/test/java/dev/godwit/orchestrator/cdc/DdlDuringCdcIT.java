package dev.godwit.orchestrator.cdc;

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

/**
 * Columns added, widened and dropped on the source while changes stream are followed on the target, each at its place
 * among the changes; a column added with a default gives the target's existing rows the value the source's got. A
 * rename is followed too (see {@link RenameDuringCdcIT}).
 */
@ExtendWith(PgExtension.class)
class DdlDuringCdcIT {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void addWidenDropAndRenameAreFollowed(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(13);
        TestDatabase target = lab.newDatabase(17);
        source.execute("CREATE TABLE items (id int PRIMARY KEY, name text, qty smallint NOT NULL)",
                "INSERT INTO items SELECT g, 'n' || g, g FROM generate_series(1, 100) g",
                "CREATE TABLE notes (id int PRIMARY KEY, body text)", "INSERT INTO notes VALUES (1, 'one')");
        Path task = CdcTasks.write(dir, "ddl", source, target, """
                validation:
                  enabled: false
                cdc:
                  ddl: {dropColumn: apply, alterColumnType: apply}
                """);
        Process godwit = Godwit.start(dir, "start", task.toString());
        try {
            Godwit.awaitLog(dir, Pattern.compile("cdc: streaming slot"), Duration.ofSeconds(120));
            source.execute("ALTER TABLE items ADD COLUMN status text NOT NULL DEFAULT 'new'",
                    "INSERT INTO items (id, name, qty) VALUES (101, 'n101', 5)");
            // the next ALTER rewrites the table, after which the source keeps no value for the rows it had
            awaitEqual(source, target, List.of("items"));
            source.execute("ALTER TABLE items ALTER COLUMN qty TYPE integer",
                    "UPDATE items SET qty = 100000 WHERE id = 1",
                    "ALTER TABLE items DROP COLUMN name",
                    "INSERT INTO items (id, qty, status) VALUES (102, 7, 'old')");
            awaitEqual(source, target, List.of("items"));
            assertEquals("new|'new'::text|true", target.value("SELECT (SELECT status FROM items WHERE id = 2) || '|'"
                    + " || pg_get_expr(d.adbin, d.adrelid) || '|' || a.attnotnull FROM pg_attribute a JOIN pg_attrdef d"
                    + " ON d.adrelid = a.attrelid AND d.adnum = a.attnum WHERE a.attrelid = 'items'::regclass"
                    + " AND a.attname = 'status'"), "existing rows have the source's value, default and NOT NULL");
            assertEquals("integer", target.value("SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
                    + " WHERE attrelid = 'items'::regclass AND attname = 'qty'"));

            source.execute("ALTER TABLE notes RENAME COLUMN body TO text_body", "INSERT INTO notes VALUES (2, 'two')");
            awaitEqual(source, target, List.of("items", "notes"));
            assertEquals("text_body", target.value("SELECT attname FROM pg_attribute WHERE attrelid = 'notes'::regclass"
                    + " AND attnum = 2"), "a rename is followed (RenameDuringCdcIT has the rest)");
        } finally {
            Godwit.stopOrKill(task, godwit);
        }
    }

    private void awaitEqual(TestDatabase source, TestDatabase target, List<String> tables) throws InterruptedException {
        try {
            CdcIT.awaitEqual(source, target, tables, Duration.ofSeconds(120));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n" + Godwit.log(dir), e);
        }
    }
}
