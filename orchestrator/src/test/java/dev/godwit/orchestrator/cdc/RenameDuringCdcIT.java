package dev.godwit.orchestrator.cdc;

import dev.godwit.orchestrator.cli.CliRun;
import dev.godwit.orchestrator.cli.ExitCodes;
import dev.godwit.orchestrator.run.FullLoadFixtures;
import dev.godwit.workers.testkit.PgExtension;
import dev.godwit.workers.testkit.PgLab;
import dev.godwit.workers.testkit.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A column renamed on the source (PostgreSQL 13) while changes stream is renamed on the target (PostgreSQL 17) at its
 * place among the changes, told apart from a drop and an add by the source column's attnum: under live writes, while
 * godwit is stopped, together with a drop and an add, and for a task recorded before godwit kept the attnums.
 * {@code cdc.ddl.renameColumn: stop} stops with the fix.
 */
@ExtendWith(PgExtension.class)
class RenameDuringCdcIT {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aRenameUnderLiveWritesIsAppliedAndTheTablesStayEqual(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(13);
        TestDatabase target = lab.newDatabase(17);
        source.execute(SourceWriter.SCHEMA);
        Path task = CdcTasks.write(dir, "rename", source, target, """
                validation:
                  enabled: false
                """);
        Process godwit = Godwit.start(dir, "start", task.toString());
        try {
            // the writer inserts accounts rows positionally, so its inserts fill the column under either name
            try (SourceWriter writer = new SourceWriter(source, 3)) {
                Godwit.awaitLog(dir, Pattern.compile("cdc: streaming slot"), Duration.ofSeconds(120));
                writer.awaitTransactions(200, Duration.ofSeconds(60));
                source.execute("ALTER TABLE accounts RENAME COLUMN tags TO labels");
                writer.awaitTransactions(writer.transactions() + 200, Duration.ofSeconds(60));
            }
            source.execute("UPDATE accounts SET labels = '{renamed}' WHERE id <= 10");
            SourceWriter.mark(source, "after rename");
            List<String> tables = new ArrayList<>(CdcIT.TABLES);
            tables.add("markers");
            awaitEqual(source, target, tables);
            assertEquals(columns(source, "accounts"), columns(target, "accounts"));
            assertEquals("1", target.value("SELECT count(*) FROM godwit.event WHERE step = 'cdc' AND message LIKE"
                    + " 'column tags renamed to labels on the source (attnum 5): followed on public.accounts'"));
            assertEquals("labels", target.value("SELECT column_name FROM godwit.source_column WHERE task = 'rename'"
                    + " AND table_key = 'public.accounts' AND attnum = 5"));
        } finally {
            Godwit.stopOrKill(task, godwit);
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aRenameWhileGodwitIsStoppedIsAppliedOnResume(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(13);
        TestDatabase target = lab.newDatabase(17);
        source.execute("CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL)",
                "INSERT INTO notes SELECT g, 'n' || g FROM generate_series(1, 100) g");
        Path task = CdcTasks.write(dir, "stopped", source, target, """
                validation:
                  enabled: false
                """);
        Process godwit = Godwit.start(dir, "start", task.toString());
        try {
            Godwit.awaitLog(dir, Pattern.compile("cdc: streaming slot"), Duration.ofSeconds(120));
            source.execute("INSERT INTO notes VALUES (101, 'n101')");
            awaitEqual(source, target, List.of("notes"));
        } finally {
            Godwit.stopOrKill(task, godwit);
        }
        assertEquals(0, godwit.exitValue(), () -> Godwit.log(dir));

        // the resumed run plans with the new name while the stream starts before the rename, in the old shape
        source.execute("INSERT INTO notes VALUES (102, 'before')",
                "ALTER TABLE notes RENAME COLUMN body TO text_body",
                "INSERT INTO notes VALUES (103, 'after')", "UPDATE notes SET text_body = 'changed' WHERE id = 1");
        Process resumed = Godwit.start(dir, "resume", task.toString());
        try {
            awaitEqual(source, target, List.of("notes"));
            assertEquals("id,text_body", columns(target, "notes"));
            assertEquals("NO", target.value("SELECT is_nullable FROM information_schema.columns"
                    + " WHERE table_name = 'notes' AND column_name = 'text_body'"), "the column itself was renamed");
        } finally {
            Godwit.stopOrKill(task, resumed);
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aRenameADropAndAddsInOneGoAreEachToldApart(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(13);
        TestDatabase target = lab.newDatabase(17);
        source.execute("CREATE TABLE t (id int PRIMARY KEY, a text, b text, c int)",
                "INSERT INTO t SELECT g, 'a' || g, 'b' || g, g FROM generate_series(1, 50) g");
        Path task = CdcTasks.write(dir, "mixed", source, target, """
                validation:
                  enabled: false
                cdc:
                  ddl: {dropColumn: apply}
                """);
        Process godwit = Godwit.start(dir, "start", task.toString());
        try {
            Godwit.awaitLog(dir, Pattern.compile("cdc: streaming slot"), Duration.ofSeconds(120));
            // one Relation message shows them all: a gone, b gone, a2 and d new, and a new again under a new attnum
            source.execute("ALTER TABLE t RENAME COLUMN a TO a2", "ALTER TABLE t DROP COLUMN b",
                    "ALTER TABLE t ADD COLUMN d text NOT NULL DEFAULT 'dd'", "ALTER TABLE t ADD COLUMN a int",
                    "INSERT INTO t VALUES (51, 'a51', 51, 'd51', 510)", "UPDATE t SET a = id WHERE id <= 5");
            awaitEqual(source, target, List.of("t"));
            assertEquals("id,a2,c,d,a", columns(target, "t"));
            assertEquals("a1|dd", target.value("SELECT a2 || '|' || d FROM t WHERE id = 1"),
                    "the renamed column kept its values, the added one has the source's value for existing rows");
            assertEquals("1", target.value("SELECT count(*) FROM godwit.event WHERE message LIKE 'column a renamed to"
                    + " a2 on the source%'"));
        } finally {
            Godwit.stopOrKill(task, godwit);
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void renameColumnStopStopsWithTheFixAndResumesOnceItIsApplied(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(13);
        TestDatabase target = lab.newDatabase(17);
        source.execute("CREATE TABLE notes (id int PRIMARY KEY, body text)", "INSERT INTO notes VALUES (1, 'one')");
        Path task = CdcTasks.write(dir, "stop", source, target, """
                validation:
                  enabled: false
                cdc:
                  ddl: {renameColumn: stop}
                """);
        Process godwit = Godwit.start(dir, "start", task.toString());
        try {
            Godwit.awaitLog(dir, Pattern.compile("cdc: streaming slot"), Duration.ofSeconds(120));
            source.execute("ALTER TABLE notes RENAME COLUMN body TO text_body", "INSERT INTO notes VALUES (2, 'two')");
            assertTrue(godwit.waitFor(120, TimeUnit.SECONDS), "CDC stops on the rename");
            assertEquals(ExitCodes.FAILED, godwit.exitValue());
        } finally {
            godwit.destroyForcibly();
        }
        CliRun status = CliRun.of("status", task.toString());
        assertTrue(status.out().contains("column body was renamed to text_body on the source; to follow, set"
                + " cdc.ddl.renameColumn: apply, or rename it on the target by hand (ALTER TABLE \"public\".\"notes\""
                + " RENAME COLUMN \"body\" TO \"text_body\"), and resume"), status.out());
        assertEquals("1", target.value("SELECT count(*) FROM notes"), "nothing of the new shape was applied");

        target.execute("ALTER TABLE notes RENAME COLUMN body TO text_body");
        Process resumed = Godwit.start(dir, "resume", task.toString());
        try {
            awaitEqual(source, target, List.of("notes"));
            assertEquals("text_body", target.value("SELECT column_name FROM godwit.source_column WHERE task = 'stop'"
                    + " AND table_key = 'public.notes' AND attnum = 2"), "the rename by hand is recorded");
        } finally {
            Godwit.stopOrKill(task, resumed);
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aColumnNamedByARuleStopsNamingTheRuleAndResumesOnceTheRuleFollows(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(13);
        TestDatabase target = lab.newDatabase(17);
        source.execute("CREATE TABLE notes (id int PRIMARY KEY, body text)", "INSERT INTO notes VALUES (1, 'one')");
        String mappings = """
                {"rules": [
                  {"rule-type": "selection", "rule-id": "1", "rule-name": "all", "rule-action": "include",
                   "object-locator": {"schema-name": "public", "table-name": "%"}},
                  {"rule-type": "transformation", "rule-id": "2", "rule-name": "body-to-content", "rule-target": "column",
                   "object-locator": {"schema-name": "public", "table-name": "notes", "column-name": "COLUMN"},
                   "rule-action": "rename", "value": "content"}
                ]}
                """;
        String settings = """
                validation:
                  enabled: false
                """;
        Path task = FullLoadFixtures.taskFile(dir, "ruled", "full-load-and-cdc", source, target,
                mappings.replace("COLUMN", "body"), settings);
        Process godwit = Godwit.start(dir, "start", task.toString());
        try {
            Godwit.awaitLog(dir, Pattern.compile("cdc: streaming slot"), Duration.ofSeconds(120));
            source.execute("ALTER TABLE notes RENAME COLUMN body TO text_body", "INSERT INTO notes VALUES (2, 'two')");
            assertTrue(godwit.waitFor(120, TimeUnit.SECONDS), "CDC stops on the rename");
            assertEquals(ExitCodes.FAILED, godwit.exitValue());
        } finally {
            godwit.destroyForcibly();
        }
        CliRun status = CliRun.of("status", task.toString());
        assertTrue(status.out().contains("column body was renamed to text_body on the source, but its target column"
                + " content is named by the transformation rule body-to-content (rules[1]), which godwit does not"
                + " rewrite; change that rule's column-name to text_body"), status.out());

        FullLoadFixtures.taskFile(dir, "ruled", "full-load-and-cdc", source, target,
                mappings.replace("COLUMN", "text_body"), settings);
        Process resumed = Godwit.start(dir, "resume", task.toString());
        try {
            awaitEqual(source, target, List.of("notes"));
            assertEquals("id,content", columns(target, "notes"));
            assertEquals("text_body", target.value("SELECT column_name FROM godwit.source_column WHERE task = 'ruled'"
                    + " AND table_key = 'public.notes' AND attnum = 2"), "the record follows the changed rule");
        } finally {
            Godwit.stopOrKill(task, resumed);
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aTaskRecordedBeforeAttnumsWereKeptFillsThemWhenCdcStarts(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(13);
        TestDatabase target = lab.newDatabase(17);
        source.execute("CREATE TABLE notes (id int PRIMARY KEY, body text)", "INSERT INTO notes VALUES (1, 'one')");
        Path task = CdcTasks.write(dir, "older", source, target, """
                validation:
                  enabled: false
                """);
        Process godwit = Godwit.start(dir, "start", task.toString());
        try {
            Godwit.awaitLog(dir, Pattern.compile("cdc: streaming slot"), Duration.ofSeconds(120));
        } finally {
            Godwit.stopOrKill(task, godwit);
        }
        target.execute("DELETE FROM godwit.source_column");

        Process resumed = Godwit.start(dir, "resume", task.toString());
        try {
            Godwit.awaitLogCount(dir, Pattern.compile("cdc: streaming slot"), 2, Duration.ofSeconds(120));
            assertEquals("id,body", target.value("SELECT string_agg(column_name, ',' ORDER BY attnum) FROM"
                    + " godwit.source_column WHERE task = 'older'"));
            source.execute("ALTER TABLE notes RENAME COLUMN body TO text_body", "INSERT INTO notes VALUES (2, 'two')");
            awaitEqual(source, target, List.of("notes"));
            assertEquals("id,text_body", columns(target, "notes"));
        } finally {
            Godwit.stopOrKill(task, resumed);
        }
    }

    private static String columns(TestDatabase db, String table) {
        return db.value("SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute WHERE attrelid = '"
                + table + "'::regclass AND attnum > 0 AND NOT attisdropped");
    }

    private void awaitEqual(TestDatabase source, TestDatabase target, List<String> tables) throws InterruptedException {
        try {
            CdcIT.awaitEqual(source, target, tables, Duration.ofSeconds(120));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n" + Godwit.log(dir), e);
        }
    }
}
