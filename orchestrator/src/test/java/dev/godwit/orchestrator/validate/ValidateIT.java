package dev.godwit.orchestrator.validate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.godwit.orchestrator.cdc.CdcIT;
import dev.godwit.orchestrator.cdc.Godwit;
import dev.godwit.orchestrator.cdc.SourceWriter;
import dev.godwit.orchestrator.cli.CliRun;
import dev.godwit.orchestrator.cli.ExitCodes;
import dev.godwit.orchestrator.run.FullLoadFixtures;
import dev.godwit.orchestrator.state.Owners;
import dev.godwit.workers.testkit.PgExtension;
import dev.godwit.workers.testkit.PgLab;
import dev.godwit.workers.testkit.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(PgExtension.class)
class ValidateIT {
    @TempDir
    Path dir;

    @Test
    void afterAFullLoadFrom13To17EveryTableIsEqualThroughRenamesTypeChangesFiltersAndWithoutKeys(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(13);
        TestDatabase target = lab.newDatabase(17);
        source.execute("CREATE TABLE orders (id int PRIMARY KEY, amount numeric(8,2), note text, created date)",
                "INSERT INTO orders SELECT g, g * 1.5, 'n' || g, date '2024-01-01' + g FROM generate_series(1, 1000) g",
                "CREATE TABLE keyless (a int, b text)",
                "INSERT INTO keyless SELECT g % 7, CASE WHEN g % 5 = 0 THEN NULL ELSE 'k' END FROM generate_series(1, 300) g",
                "CREATE TABLE tags (code text PRIMARY KEY, label text)",
                "INSERT INTO tags SELECT CASE WHEN g % 2 = 0 THEN upper(md5(g::text)) ELSE md5(g::text) END, 'l' || g"
                        + " FROM generate_series(1, 500) g",
                "CREATE TABLE m (id int, k int, PRIMARY KEY (id, k)) PARTITION BY HASH (k)",
                "CREATE TABLE m0 PARTITION OF m FOR VALUES WITH (MODULUS 2, REMAINDER 0)",
                "CREATE TABLE m1 PARTITION OF m FOR VALUES WITH (MODULUS 2, REMAINDER 1)",
                "INSERT INTO m SELECT g, g % 7 FROM generate_series(1, 500) g",
                "CREATE TABLE coded (id int PRIMARY KEY, code text UNIQUE)",
                "INSERT INTO coded SELECT g, CASE WHEN g % 3 = 0 THEN NULL ELSE 'C' || g END FROM generate_series(1, 450) g");
        Path task = task(source, "full-load", target, """
                {"rules": [
                  {"rule-type": "selection", "rule-id": "1", "rule-name": "all", "rule-action": "include",
                   "object-locator": {"schema-name": "public", "table-name": "%"}},
                  {"rule-type": "selection", "rule-id": "2", "rule-name": "orders", "rule-action": "include",
                   "object-locator": {"schema-name": "public", "table-name": "orders"},
                   "filters": [{"filter-type": "source", "column-name": "id",
                                "filter-conditions": [{"filter-operator": "between", "start-value": "1", "end-value": "800"}]}]},
                  {"rule-type": "transformation", "rule-id": "3", "rule-name": "widen", "rule-target": "column",
                   "object-locator": {"schema-name": "public", "table-name": "orders", "column-name": "amount"},
                   "rule-action": "change-data-type", "data-type": {"type": "numeric", "precision": "18", "scale": "4"}},
                  {"rule-type": "transformation", "rule-id": "5", "rule-name": "widen-key", "rule-target": "column",
                   "object-locator": {"schema-name": "public", "table-name": "coded", "column-name": "id"},
                   "rule-action": "change-data-type", "data-type": {"type": "int8"}},
                  {"rule-type": "transformation", "rule-id": "4", "rule-name": "rename-note", "rule-target": "column",
                   "object-locator": {"schema-name": "public", "table-name": "orders", "column-name": "note"},
                   "rule-action": "rename", "value": "remark"}
                ]}
                """, "");

        CliRun start = CliRun.of("start", task.toString());
        assertEquals(ExitCodes.OK, start.exitCode(), start::toString);
        assertTrue(start.out().contains("Source and target are equal."), "validated after the full load:\n" + start);

        CliRun run = CliRun.of("validate", task.toString(), "--content");

        assertEquals(ExitCodes.OK, run.exitCode(), run::toString);
        assertTrue(run.out().contains("Source and target are equal."), run::toString);
        assertTrue(Pattern.compile("public\\.orders\\s+800\\s+800\\s+EQUAL").matcher(run.out()).find(), run::toString);
        assertTrue(Pattern.compile("public\\.keyless\\s+300\\s+300\\s+EQUAL").matcher(run.out()).find(), run::toString);
        assertEquals("2", target.value("SELECT count(*) FROM godwit.validation_run WHERE state = 'EQUAL'"));
        assertEquals("8", target.value("SELECT count(*) FROM godwit.validation_result r JOIN godwit.validation_run v"
                + " ON v.id = r.run_id WHERE v.content AND r.table_key = 'public.orders'"), "800 rows in chunks of 100");
        assertEquals("1", target.value("SELECT count(*) FROM godwit.validation_result r JOIN godwit.validation_run v"
                + " ON v.id = r.run_id WHERE v.content AND r.table_key = 'public.keyless'"), "a table without a key is one chunk");
        assertEquals("0", target.value("SELECT count(*) FROM godwit.validation_result WHERE state <> 'EQUAL'"));
        assertEquals("code IS NULL", target.value("SELECT key_range FROM godwit.validation_result r JOIN godwit.validation_run v"
                + " ON v.id = r.run_id WHERE v.content AND r.table_key = 'public.coded' ORDER BY r.unit_id::int DESC LIMIT 1"),
                "a re-typed primary key gives way to a unique key, whose NULLs are a chunk of their own");
        assertEquals("4", target.value("SELECT count(*) FROM godwit.validation_result r JOIN godwit.validation_run v"
                + " ON v.id = r.run_id WHERE v.content AND r.table_key = 'public.coded'"), "300 keys in chunks of 100, and NULLs");

        CliRun json = CliRun.of("validate", task.toString(), "--json", "--table", "tags");
        assertEquals(ExitCodes.OK, json.exitCode(), json::toString);
        JsonNode doc = new ObjectMapper().readTree(json.out());
        assertTrue(doc.get("equal").asBoolean());
        assertEquals(1, doc.get("tables").size());
        assertEquals("public.tags", doc.get("tables").get(0).get("table").asText());
        assertEquals(500, doc.get("tables").get(0).get("targetRows").asLong());

        CliRun unknown = CliRun.of("validate", task.toString(), "--table", "nope");
        assertEquals(ExitCodes.BAD_INPUT, unknown.exitCode(), unknown::toString);
        assertTrue(unknown.err().startsWith("error: --table nope is not a target table"), unknown::toString);
    }

    @Test
    void aRichSchemaWithEveryCommonTypePartitionsAndInheritanceComparesEqualByContentFrom13To17(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(13);
        TestDatabase target = lab.newDatabase(17);
        source.execute(FullLoadFixtures.RICH_SCHEMA);
        Path task = task(source, "full-load", target, """
                {"rules": [{"rule-type": "selection", "rule-id": "1", "rule-name": "all", "rule-action": "include",
                            "object-locator": {"schema-name": "%", "table-name": "%"}}]}
                """, "    enabled: false\n");
        assertEquals(ExitCodes.OK, CliRun.of("start", task.toString()).exitCode());

        CliRun run = CliRun.of("validate", task.toString(), "--content");

        assertEquals(ExitCodes.OK, run.exitCode(), run::toString);
        assertTrue(run.out().contains("Source and target are equal."), run::toString);
        target.execute("UPDATE sales.customers SET email = email || '.' WHERE id = (SELECT min(id) FROM sales.customers)");
        CliRun changed = CliRun.of("validate", task.toString(), "--content", "--table", "sales.customers");
        assertEquals(ExitCodes.VALIDATION_DIFFERENCES, changed.exitCode(), changed::toString);
    }

    @Test
    void aRowChangedOnTheTargetIsFoundAndItsChunkNamed(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(17);
        TestDatabase target = lab.newDatabase(17);
        source.execute("CREATE TABLE accounts (id int PRIMARY KEY, balance numeric(12,2), note text)",
                "INSERT INTO accounts SELECT g, g * 10, 'n' || g FROM generate_series(1, 1000) g",
                "CREATE TABLE gone (id int PRIMARY KEY)", "INSERT INTO gone SELECT generate_series(1, 10)");
        Path task = task(source, "full-load", target, allOfPublic(), "    enabled: false\n");
        assertEquals(ExitCodes.OK, CliRun.of("start", task.toString()).exitCode());
        target.execute("UPDATE accounts SET note = 'changed behind godwit''s back' WHERE id = 555");

        CliRun counts = CliRun.of("validate", task.toString(), "--table", "accounts");
        assertEquals(ExitCodes.OK, counts.exitCode(), "without --content only counts are compared:\n" + counts);
        assertTrue(counts.out().contains("row counts (--content also compares contents)"), counts::toString);

        CliRun content = CliRun.of("validate", task.toString(), "--content", "--table", "accounts");
        assertEquals(ExitCodes.VALIDATION_DIFFERENCES, content.exitCode(), content::toString);
        assertTrue(content.out().contains("public.accounts [501 <= id < 601]: source 100 rows, target 100 rows, same count but different contents"),
                content::toString);
        assertTrue(Pattern.compile("public\\.accounts\\s+1,000\\s+1,000\\s+DIFFERENT").matcher(content.out()).find(), content::toString);
        assertEquals("CONTENT 501 <= id < 601", target.value("SELECT state || ' ' || key_range FROM godwit.validation_result"
                + " WHERE state <> 'EQUAL'"));
        assertEquals("DIFFERENT 1", target.value("SELECT state || ' ' || differences FROM godwit.validation_run"
                + " ORDER BY id DESC LIMIT 1"));

        target.execute("DELETE FROM accounts WHERE id = 42");
        CliRun deleted = CliRun.of("validate", task.toString(), "--table", "accounts");
        assertEquals(ExitCodes.VALIDATION_DIFFERENCES, deleted.exitCode(), deleted::toString);
        assertTrue(deleted.out().contains("public.accounts [id < 101]: source 100 rows, target 99 rows"), deleted::toString);
        assertFalse(deleted.out().contains("501 <= id < 601"), "the changed value is not seen by counts:\n" + deleted);

        target.execute("DELETE FROM accounts WHERE id IN (150, 250)", "DROP TABLE gone");
        CliRun missing = CliRun.of("validate", task.toString(), "--table", "gone");
        assertEquals(ExitCodes.VALIDATION_DIFFERENCES, missing.exitCode(), missing::toString);
        assertTrue(Pattern.compile("public\\.gone\\s+10\\s+missing\\s+MISSING").matcher(missing.out()).find(), missing::toString);

        Files.writeString(task, Files.readString(task).replace("    threadCount: 2\n", "    threadCount: 2\n    failureMaxCount: 1\n"));
        CliRun capped = CliRun.of("validate", task.toString(), "--table", "public.accounts");
        assertEquals(ExitCodes.VALIDATION_DIFFERENCES, capped.exitCode(), capped::toString);
        assertTrue(capped.out().contains("public.accounts [id < 101]: source 100 rows, target 99 rows"), capped::toString);
        assertTrue(capped.out().contains("… and 2 more (settings.validation.failureMaxCount)"), capped::toString);
        assertEquals("DIFFERENT 3", target.value("SELECT state || ' ' || differences FROM godwit.validation_run"
                + " ORDER BY id DESC LIMIT 1"));
        assertEquals("1", target.value("SELECT count(*) FROM godwit.validation_result WHERE run_id = "
                + "(SELECT max(id) FROM godwit.validation_run) AND state <> 'EQUAL'"), "only the first difference in detail");
    }

    @Test
    void anUnreachableTargetIsAnAccessErrorInOneLine(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(17);
        Files.writeString(dir.resolve("mappings.json"), allOfPublic());
        Path task = Files.writeString(dir.resolve("task.yaml"), """
                name: unreachable
                source:
                  url: %s
                target:
                  url: postgresql://nobody@127.0.0.1:1/none
                type: full-load
                tableMappings: mappings.json
                """.formatted(source.url()));

        CliRun run = CliRun.of("validate", task.toString());

        // a server never reached that does not listen is waited for briefly (it may be restarting), saying so
        assertEquals(ExitCodes.ACCESS, run.exitCode(), run::toString);
        List<String> lines = run.err().strip().lines().toList();
        assertTrue(lines.get(lines.size() - 1).startsWith("error: cannot connect to the target"), run::toString);
        assertEquals(1, lines.stream().filter(l -> l.startsWith("error: ")).count(), run::toString);
        assertTrue(lines.stream().limit(lines.size() - 1).allMatch(l -> l.contains("the server may be restarting")),
                run::toString);
    }

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void whileChangesStreamUnderLiveWritesValidationFindsNoFalseDifferenceAndChangesGoOn(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(13);
        TestDatabase target = lab.newDatabase(17);
        source.execute(SourceWriter.SCHEMA);
        Path task = task(source, "full-load-and-cdc", target, allOfPublic(), "    contentHash: true\n");
        try {
            Process godwit;
            try (SourceWriter writer = new SourceWriter(source, 11)) {
                godwit = Godwit.start(dir, "start", task.toString());
                Godwit.awaitLog(dir, Pattern.compile("cdc: streaming slot"), Duration.ofSeconds(120));
                awaitAutomaticValidation(target, Duration.ofSeconds(120));
                assertEquals("EQUAL", target.value("SELECT state FROM godwit.validation_run ORDER BY id LIMIT 1"),
                        "the automatic validation under live writes");
                for (int i = 1; i <= 3; i++) {
                    long before = writer.transactions();
                    CliRun run = CliRun.of("validate", task.toString(), "--content");
                    assertEquals(ExitCodes.OK, run.exitCode(), run::toString);
                    assertTrue(writer.transactions() > before, "the source was written while validating");
                }
            }
            SourceWriter.mark(source, "after-validation");
            CdcIT.awaitEqual(source, target, Duration.ofSeconds(90));
            CliRun quiet = CliRun.of("validate", task.toString(), "--content");
            assertEquals(ExitCodes.OK, quiet.exitCode(), "on a quiet source:\n" + quiet);

            assertEquals(ExitCodes.OK, CliRun.of("stop", task.toString()).exitCode());
            assertTrue(godwit.waitFor(60, TimeUnit.SECONDS), "godwit stopped");
            assertEquals(0, godwit.exitValue());
            String deadHolder = "2147483646@" + Owners.self().substring(Owners.self().indexOf('@') + 1);
            target.execute("INSERT INTO godwit.apply_hold (task, hold_lsn, expires_at, holder) VALUES"
                    + " ('validatetest', '0/0', now() + interval '1 hour', '" + deadHolder + "')");
            try (SourceWriter writer = new SourceWriter(source, 12)) {
                writer.awaitTransactions(100, Duration.ofSeconds(60));
                CliRun alone = CliRun.of("validate", task.toString(), "--content");
                assertEquals(ExitCodes.OK, alone.exitCode(), "with no process running the task:\n" + alone);
            }
            assertEquals("f", target.value("SELECT owner_seen_at IS NOT NULL FROM godwit.task"), "validate released the task");
            target.execute("INSERT INTO godwit.apply_hold (task, hold_lsn, expires_at, holder) VALUES"
                    + " ('validatetest', '0/0', now() + interval '1 hour', '" + deadHolder + "')");
            SourceWriter.mark(source, "after-stop");
            // the resumed applier ignores the hold of a validation whose process died on this machine
            Process resumed = Godwit.start(dir, "resume", task.toString());
            CdcIT.awaitEqual(source, target, Duration.ofSeconds(90));
            assertEquals(ExitCodes.OK, CliRun.of("stop", task.toString()).exitCode());
            assertTrue(resumed.waitFor(60, TimeUnit.SECONDS));
            assertEquals("0", target.value("SELECT count(*) FROM godwit.validation_run WHERE state <> 'EQUAL'"));
            assertEquals("0", target.value("SELECT count(*) FROM godwit.apply_hold WHERE holder <> '" + deadHolder + "'"),
                    "every hold was withdrawn; the one of a dead process held nothing");
        } catch (AssertionError | Exception e) {
            System.err.println("godwit log:\n" + Godwit.log(dir));
            throw e;
        }
    }

    private static void awaitAutomaticValidation(TestDatabase target, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (!target.value("SELECT count(*) FROM godwit.validation_run WHERE state <> 'RUNNING'").equals("0")) {
                    return;
                }
            } catch (IllegalStateException notYet) {
                // the control schema may not have the table yet
            }
            Thread.sleep(300);
        }
        throw new AssertionError("the automatic validation did not finish within " + timeout);
    }

    private static String allOfPublic() {
        return """
                {"rules": [{"rule-type": "selection", "rule-id": "1", "rule-name": "all", "rule-action": "include",
                            "object-locator": {"schema-name": "public", "table-name": "%"}}]}
                """;
    }

    private Path task(TestDatabase source, String type, TestDatabase target, String mappings, String validation) throws Exception {
        return FullLoadFixtures.taskFile(dir, "validatetest", type, source, target, mappings, """
                  parallelism: 2
                  cdc:
                    heartbeatInterval: 2s
                  validation:
                    partitionSize: 100
                    threadCount: 2
                """ + validation);
    }
}
