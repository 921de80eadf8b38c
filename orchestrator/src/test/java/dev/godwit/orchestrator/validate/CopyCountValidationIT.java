package dev.godwit.orchestrator.validate;

import dev.godwit.orchestrator.cli.CliRun;
import dev.godwit.orchestrator.cli.ExitCodes;
import dev.godwit.orchestrator.run.FullLoadFixtures;
import dev.godwit.workers.testkit.PgExtension;
import dev.godwit.workers.testkit.PgLab;
import dev.godwit.workers.testkit.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The validation after a full load takes its row counts from the COPYs (the unit ledger) instead of counting the
 * tables again; {@code godwit validate} still counts them.
 */
@ExtendWith(PgExtension.class)
class CopyCountValidationIT {
    @TempDir
    Path dir;

    @Test
    void theCountsRecordedPerUnitAreTheTablesRealCountsAndTheValidationAfterTheLoadComparesThem(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(17);
        TestDatabase target = lab.newDatabase(17);
        source.execute("CREATE TABLE big (id bigint PRIMARY KEY, v text)",
                "INSERT INTO big SELECT g, repeat(md5(g::text), 4) FROM generate_series(1, 30000) g",
                "DELETE FROM big WHERE id % 7 = 0",
                "CREATE TABLE filtered (id int PRIMARY KEY, note text)",
                "INSERT INTO filtered SELECT g, 'n' || g FROM generate_series(1, 1000) g",
                "CREATE TABLE m (id int, k int, PRIMARY KEY (id, k)) PARTITION BY LIST (k)",
                "CREATE TABLE m0 PARTITION OF m FOR VALUES IN (0)",
                "CREATE TABLE m1 PARTITION OF m FOR VALUES IN (1, 2)",
                "INSERT INTO m SELECT g, g % 3 FROM generate_series(1, 700) g",
                "CREATE TABLE empty (id int PRIMARY KEY)",
                "ANALYZE");
        Path task = FullLoadFixtures.taskFile(dir, "copycounts", "full-load", source, target, """
                {"rules": [
                  {"rule-type": "selection", "rule-id": "1", "rule-name": "all", "rule-action": "include",
                   "object-locator": {"schema-name": "public", "table-name": "%"}},
                  {"rule-type": "selection", "rule-id": "2", "rule-name": "filtered", "rule-action": "include",
                   "object-locator": {"schema-name": "public", "table-name": "filtered"},
                   "filters": [{"filter-type": "source", "column-name": "id",
                                "filter-conditions": [{"filter-operator": "between", "start-value": "1", "end-value": "800"}]}]}
                ]}
                """, """
                parallelism: 2
                splitThreshold: 1MB
                """);

        CliRun start = CliRun.of("start", task.toString());

        assertEquals(ExitCodes.OK, start.exitCode(), start::toString);
        assertTrue(start.out().contains("row counts from the copy"), start::toString);
        assertTrue(start.out().contains("Source and target are equal."), start::toString);
        assertTrue(Integer.parseInt(target.value("SELECT count(*) FROM godwit.unit WHERE table_key = 'public.big'")) > 1,
                "the big table was copied in several units");
        assertEquals("0", target.value("SELECT count(*) FROM godwit.unit WHERE source_rows IS NULL"
                + " OR source_rows <> rows_copied"), "every unit recorded what its source COPY sent and its target COPY wrote");
        Map<String, String> realCounts = Map.of("public.big", source.value("SELECT count(*) FROM big"),
                "public.filtered", "800", "public.m", source.value("SELECT count(*) FROM m"), "public.empty", "0");
        for (Map.Entry<String, String> e : realCounts.entrySet()) {
            String recorded = target.value("SELECT sum(source_rows) || ' ' || sum(rows_copied) FROM godwit.unit"
                    + " WHERE table_key = '" + e.getKey() + "'");
            assertEquals(e.getValue() + " " + e.getValue(), recorded, e.getKey());
            assertEquals(e.getValue(), target.value("SELECT count(*) FROM " + e.getKey()), e.getKey());
        }
        assertEquals("EQUAL false", target.value("SELECT state || ' ' || content FROM godwit.validation_run"));
        assertEquals(target.value("SELECT count(*) FROM godwit.unit"), target.value("SELECT count(*) FROM godwit.validation_result"),
                "one compared chunk per unit");

        CliRun validate = CliRun.of("validate", task.toString());
        assertEquals(ExitCodes.OK, validate.exitCode(), validate::toString);
        assertTrue(validate.out().contains("row counts (--content also compares contents)"),
                "godwit validate counts the tables:\n" + validate);
    }

    @Test
    void aUnitWhoseTargetWroteFewerRowsThanItsSourceSentIsReportedAsADifference(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(13);
        TestDatabase target = lab.newDatabase(17);
        source.execute("CREATE TABLE t (id int PRIMARY KEY, v text)", "INSERT INTO t SELECT g, repeat(md5(g::text), 8) FROM generate_series(1, 9000) g", "ANALYZE");
        // a trigger of the user's own target schema keeps one row out: the target's COPY writes one row fewer (an
        // ALWAYS trigger: the copy sessions run in replica mode, where ordinary triggers of kept tables stay silent)
        target.execute("CREATE TABLE t (id int PRIMARY KEY, v text)", """
                CREATE FUNCTION skip_one() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  IF NEW.id = 4321 THEN RETURN NULL; END IF;
                  RETURN NEW;
                END $$""", "CREATE TRIGGER skip_one BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION skip_one()",
                "ALTER TABLE t ENABLE ALWAYS TRIGGER skip_one");
        Path task = FullLoadFixtures.taskFile(dir, "copycounts", "full-load", source, target, """
                {"rules": [{"rule-type": "selection", "rule-id": "1", "rule-name": "all", "rule-action": "include",
                            "object-locator": {"schema-name": "public", "table-name": "%"}}]}
                """, """
                parallelism: 2
                splitThreshold: 1MB
                targetTablePrepMode: truncate-before-load
                validation:
                  partitionSize: 1000
                """);

        CliRun start = CliRun.of("start", task.toString());

        assertEquals(ExitCodes.OK, start.exitCode(), "a difference does not fail the load:\n" + start);
        assertTrue(start.out().contains("Source and target DIFFER: 1 of 1 tables."), start::toString);
        assertTrue(Pattern.compile("public\\.t \\[unit public\\.t#\\d+: [^\\]]*\\]: source [\\d,]+ rows, target [\\d,]+ rows")
                .matcher(start.out()).find(), start::toString);
        assertTrue(Pattern.compile("public\\.t\\s+9,000\\s+8,999\\s+DIFFERENT").matcher(start.out()).find(), start::toString);
        List<String> differing = target.column("SELECT state || ' ' || (source_rows - target_rows) FROM godwit.validation_result"
                + " WHERE state <> 'EQUAL'");
        assertEquals(List.of("ROWS 1"), differing, "exactly the unit that holds row 4321");
        assertEquals("DIFFERENT 1", target.value("SELECT state || ' ' || differences FROM godwit.validation_run"));

        CliRun validate = CliRun.of("validate", task.toString());
        assertEquals(ExitCodes.VALIDATION_DIFFERENCES, validate.exitCode(), validate::toString);
        assertTrue(validate.out().contains("public.t [4001 <= id < 5001]: source 1,000 rows, target 999 rows"),
                "godwit validate counts the tables and finds the same row missing:\n" + validate);
    }
}
