package dev.godwit.orchestrator.run;

import dev.godwit.orchestrator.cli.CliRun;
import dev.godwit.orchestrator.cli.ExitCodes;
import dev.godwit.workers.testkit.PgExtension;
import dev.godwit.workers.testkit.PgLab;
import dev.godwit.workers.testkit.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(PgExtension.class)
class FullLoadIT {


    static final List<String> TABLES = List.of("sales.customers", "sales.orders", "sales.orders_2025_open",
            "sales.orders_rest", "\"Mixed Case\".\"Event Log\"", "public.animals", "public.dogs", "public.cats", "public.keyless");

    @TempDir
    Path dir;

    @ParameterizedTest(name = "PostgreSQL {0} to {1}")
    @CsvSource({"13, 17", "17, 17", "17, 18", "18, 18"})
    void copiesARichSchemaExactly(int sourceMajor, int targetMajor, PgLab lab) throws IOException {
        TestDatabase source = lab.newDatabase(sourceMajor);
        TestDatabase target = lab.newDatabase(targetMajor);
        source.execute(FullLoadFixtures.RICH_SCHEMA);
        Path task = task(source, target, "64kB", """
                {"rules": [{"rule-type": "selection", "rule-id": "1", "rule-name": "all", "rule-action": "include",
                            "object-locator": {"schema-name": "%", "table-name": "%"}}]}
                """);

        CliRun run = CliRun.of("start", task.toString());

        assertEquals(ExitCodes.OK, run.exitCode(), run::toString);
        for (String table : TABLES) {
            assertEquals(source.fingerprint(table), target.fingerprint(table), table);
        }
        assertEquals("1", target.value("SELECT count(*) FROM ONLY public.animals"),
                "the inheritance parent holds only its own row (FROM ONLY)");
        assertEquals(source.value("SELECT max(id) FROM sales.customers"),
                String.valueOf(Long.parseLong(target.value("SELECT nextval(pg_get_serial_sequence('sales.customers', 'id'))")) - 1),
                "the identity sequence continues after the migrated rows");
        assertTrue(run.out().contains("Full load of task"), run::toString);
        assertEquals("ready", target.value("SELECT string_agg(DISTINCT state, ',') FROM godwit.table_state"));
        assertEquals("0", target.value("SELECT count(*) FROM godwit.unit WHERE state <> 'done'"));
        assertTrue(Integer.parseInt(target.value("SELECT count(*) FROM godwit.unit WHERE table_key = 'sales.customers'")) > 1,
                "the customers table was split into several units");
        assertEquals("4", target.value("SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'sales' AND c.relkind IN ('r', 'p')"),
                "partitions kept, two levels deep");
    }

    /**
     * Tables the target kept keep their own foreign keys, and the load copies child and parent in parallel, in no
     * order, in several units each: the copy sessions run in replica mode, so no key is checked half-way.
     */
    @Test
    void keptTargetTablesWithForeignKeysBetweenThemLoadInAnyOrder(PgLab lab) throws IOException {
        TestDatabase source = lab.newDatabase(17);
        TestDatabase target = lab.newDatabase(17);
        String schema = "CREATE TABLE parent (id int PRIMARY KEY, pad text);"
                + " CREATE TABLE child (id int PRIMARY KEY, parent_id int NOT NULL REFERENCES parent, pad text)";
        source.execute(schema, "INSERT INTO parent SELECT g, repeat('p', 200) FROM generate_series(1, 3000) g",
                "INSERT INTO child SELECT g, g, repeat('c', 200) FROM generate_series(1, 3000) g", "ANALYZE");
        target.execute(schema, "INSERT INTO parent VALUES (9999, 'old')", "INSERT INTO child VALUES (9999, 9999, 'old')");
        Path task = task(source, target, "128kB", """
                {"rules": [{"rule-type": "selection", "rule-id": "1", "rule-name": "all", "rule-action": "include",
                            "object-locator": {"schema-name": "public", "table-name": "%"}}]}
                """, "  targetTablePrepMode: TRUNCATE_BEFORE_LOAD\n");

        CliRun run = CliRun.of("start", task.toString());

        assertEquals(ExitCodes.OK, run.exitCode(), run::toString);
        for (String table : List.of("parent", "child")) {
            assertEquals(source.fingerprint(table), target.fingerprint(table), table);
        }
        assertEquals("1", target.value("SELECT count(*) FROM pg_constraint WHERE conrelid = 'child'::regclass"
                + " AND contype = 'f'"), "the target's own key is kept");
    }

    /** Run as a process so that its log is seen too: the refusal comes before preflight's warnings of drops. */
    @Test
    void aSecondStartOfTheSameTaskRefusesAndPointsAtResume(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(17);
        TestDatabase target = lab.newDatabase(17);
        source.execute("CREATE TABLE t (id int PRIMARY KEY)", "INSERT INTO t SELECT generate_series(1, 10)");
        Path task = task(source, target, "1GB", """
                {"rules": [{"rule-type": "selection", "rule-id": "1", "rule-name": "all", "rule-action": "include",
                            "object-locator": {"schema-name": "public", "table-name": "%"}}]}
                """);
        assertEquals(ExitCodes.OK, CliRun.of("start", task.toString()).exitCode());

        GodwitProcess again = GodwitProcess.start(null, 0, "start", task.toString());

        assertEquals(ExitCodes.BAD_INPUT, again.waitFor(60), again::output);
        assertTrue(again.output().contains("godwit resume"), again::output);
        assertFalse(again.output().contains("DROPPED"), again::output);
        assertEquals(10, target.count("t"));
    }

    @Test
    void appliesFiltersRenamesTypeChangesAndAddedColumns(PgLab lab) throws IOException {
        TestDatabase source = lab.newDatabase(13);
        TestDatabase target = lab.newDatabase(17);
        source.execute("CREATE TABLE public.orders (id int PRIMARY KEY, amount numeric(8,2), region int, note text, created date)",
                "INSERT INTO public.orders SELECT g, g * 1.5, g % 30, 'n' || g, date '2024-01-01' + g FROM generate_series(1, 1000) g");
        Path task = task(source, target, "1GB", """
                {"rules": [
                  {"rule-type": "selection", "rule-id": "1", "rule-name": "orders", "rule-action": "include",
                   "object-locator": {"schema-name": "public", "table-name": "orders"},
                   "filters": [{"filter-type": "source", "column-name": "region",
                                "filter-conditions": [{"filter-operator": "between", "start-value": "1", "end-value": "10"}]}]},
                  {"rule-type": "transformation", "rule-id": "2", "rule-name": "widen", "rule-target": "column",
                   "object-locator": {"schema-name": "public", "table-name": "orders", "column-name": "amount"},
                   "rule-action": "change-data-type", "data-type": {"type": "numeric", "precision": "18", "scale": "4"}},
                  {"rule-type": "transformation", "rule-id": "3", "rule-name": "rename-note", "rule-target": "column",
                   "object-locator": {"schema-name": "public", "table-name": "orders", "column-name": "note"},
                   "rule-action": "rename", "value": "remark"},
                  {"rule-type": "transformation", "rule-id": "4", "rule-name": "label", "rule-target": "column",
                   "object-locator": {"schema-name": "public", "table-name": "orders"},
                   "rule-action": "add-column", "value": "label", "expression": "$note || '/' || $region",
                   "data-type": {"type": "string", "length": 50}},
                  {"rule-type": "transformation", "rule-id": "5", "rule-name": "to-archive", "rule-target": "schema",
                   "object-locator": {"schema-name": "public"}, "rule-action": "rename", "value": "archive"}
                ]}
                """);

        CliRun run = CliRun.of("start", task.toString());

        assertEquals(ExitCodes.OK, run.exitCode(), run::toString);
        assertEquals(source.value("SELECT count(*) FROM orders WHERE region BETWEEN 1 AND 10"),
                String.valueOf(target.count("archive.orders")));
        assertEquals("numeric(18,4)", target.value("SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                + "WHERE attrelid = 'archive.orders'::regclass AND attname = 'amount'"));
        assertEquals("n7/7", target.value("SELECT label FROM archive.orders WHERE id = 7"));
        assertEquals("n7", target.value("SELECT remark FROM archive.orders WHERE id = 7"));
        assertEquals("10.5000", target.value("SELECT amount FROM archive.orders WHERE id = 7"));
    }

    @Test
    void mergesAndRepartitionsAsThePartitionRulesSay(PgLab lab) throws IOException {
        TestDatabase source = lab.newDatabase(17);
        TestDatabase target = lab.newDatabase(17);
        source.execute("CREATE TABLE m (id int, k int, PRIMARY KEY (id, k)) PARTITION BY HASH (k)",
                "CREATE TABLE m0 PARTITION OF m FOR VALUES WITH (MODULUS 2, REMAINDER 0)",
                "CREATE TABLE m1 PARTITION OF m FOR VALUES WITH (MODULUS 2, REMAINDER 1)",
                "INSERT INTO m SELECT g, g % 7 FROM generate_series(1, 500) g",
                "CREATE TABLE events (id int, at date NOT NULL, PRIMARY KEY (id, at))",
                "INSERT INTO events SELECT g, date '2025-01-01' + (g % 90) FROM generate_series(1, 900) g");
        Path task = task(source, target, "1GB", """
                {"rules": [{"rule-type": "selection", "rule-id": "1", "rule-name": "all", "rule-action": "include",
                            "object-locator": {"schema-name": "public", "table-name": "%"}}]}
                """, """
                  partitions:
                    tables:
                      "public.m": merge
                      "public.events": { mode: repartition, strategy: range, column: at, interval: 1 month }
                """);

        CliRun run = CliRun.of("start", task.toString());

        assertEquals(ExitCodes.OK, run.exitCode(), run::toString);
        assertEquals("r", target.value("SELECT relkind FROM pg_class WHERE oid = 'public.m'::regclass"), "merged into a plain table");
        assertEquals(source.fingerprint("m"), target.fingerprint("m"));
        assertEquals("p", target.value("SELECT relkind FROM pg_class WHERE oid = 'public.events'::regclass"));
        assertTrue(Integer.parseInt(target.value("SELECT count(*) FROM pg_inherits WHERE inhparent = 'public.events'::regclass")) >= 3);
        assertEquals(source.fingerprint("events"), target.fingerprint("events"));
    }

    private Path task(TestDatabase source, TestDatabase target, String split, String mappings) throws IOException {
        return task(source, target, split, mappings, "");
    }

    private Path task(TestDatabase source, TestDatabase target, String split, String mappings, String extraSettings) throws IOException {
        return FullLoadFixtures.task(dir, "fullload", source, target, mappings, 3,
                "  splitThreshold: " + split + "\n" + extraSettings);
    }
}
