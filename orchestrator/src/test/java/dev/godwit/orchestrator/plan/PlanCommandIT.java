package dev.godwit.orchestrator.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.godwit.orchestrator.cli.CliRun;
import dev.godwit.orchestrator.cli.ExitCodes;
import dev.godwit.workers.testkit.PgExtension;
import dev.godwit.workers.testkit.PgLab;
import dev.godwit.workers.testkit.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(PgExtension.class)
class PlanCommandIT {
    @TempDir
    Path dir;

    @Test
    void plansAPostgres13SourceForAPostgres17TargetThroughTheMappings(PgLab lab) throws IOException {
        TestDatabase source = lab.newDatabase(13);
        TestDatabase target = lab.newDatabase(17);
        source.execute("""
                CREATE SCHEMA inventory;
                CREATE TABLE inventory.products (sku text PRIMARY KEY, name text NOT NULL, legacy_code int, price numeric(12,2));
                CREATE TABLE public.customers (id bigint PRIMARY KEY, mail text, created_on date);
                CREATE TABLE public.scratch (x int);
                INSERT INTO public.customers SELECT g, 'c' || g || '@example.com', date '2024-01-01' + g FROM generate_series(1, 1000) g;
                ANALYZE;
                """);
        Path task = task(source, target, """
                {"rules": [
                  {"rule-type": "selection", "rule-id": "1", "rule-name": "inventory", "rule-action": "include",
                   "object-locator": {"schema-name": "inventory", "table-name": "%"}},
                  {"rule-type": "selection", "rule-id": "2", "rule-name": "customers", "rule-action": "include",
                   "object-locator": {"schema-name": "public", "table-name": "customers"},
                   "filters": [{"filter-type": "source", "column-name": "created_on",
                                "filter-conditions": [{"filter-operator": "gte", "value": "2024-06-01"}]}]},
                  {"rule-type": "transformation", "rule-id": "10", "rule-name": "to-catalog", "rule-target": "schema",
                   "object-locator": {"schema-name": "inventory"}, "rule-action": "rename", "value": "catalog"},
                  {"rule-type": "transformation", "rule-id": "11", "rule-name": "drop-legacy", "rule-target": "column",
                   "object-locator": {"schema-name": "inventory", "table-name": "products", "column-name": "legacy_%"},
                   "rule-action": "remove-column"},
                  {"rule-type": "transformation", "rule-id": "12", "rule-name": "mail-to-email", "rule-target": "column",
                   "object-locator": {"schema-name": "public", "table-name": "customers", "column-name": "mail"},
                   "rule-action": "rename", "value": "email"}
                ]}
                """);

        CliRun run = CliRun.of("plan", task.toString());

        assertEquals(ExitCodes.OK, run.exitCode(), run::toString);
        String out = run.out();
        assertTrue(out.contains("inventory.products → catalog.products"), run::toString);
        assertTrue(out.contains("public.customers → public.customers"), run::toString);
        assertTrue(out.contains("mail text") && out.contains("→  email text"), run::toString);
        assertFalse(out.contains("legacy_code"), run::toString);
        assertFalse(out.contains("scratch"), "an unselected table is not planned:\n" + run);
        assertTrue(out.contains("filter: WHERE"), run::toString);
        assertTrue(out.contains("~1,000 rows"), run::toString);
        assertTrue(out.contains("PostgreSQL 13"), run::toString);
        assertTrue(out.contains("Totals: 2 tables"), run::toString);
    }

    @Test
    void printsThePlanAsJsonForTools(PgLab lab) throws IOException {
        TestDatabase source = lab.newDatabase(17);
        TestDatabase target = lab.newDatabase(17);
        source.execute("CREATE TABLE public.\"Orders\" (id int PRIMARY KEY, total numeric(10,2))");
        Path task = task(source, target, """
                {"rules": [{"rule-type": "selection", "rule-id": "1", "rule-name": "all", "rule-action": "include",
                            "object-locator": {"schema-name": "public", "table-name": "%"}},
                           {"rule-type": "transformation", "rule-id": "2", "rule-name": "lower", "rule-target": "table",
                            "object-locator": {"schema-name": "public", "table-name": "%"}, "rule-action": "convert-lowercase"}]}
                """);

        CliRun run = CliRun.of("plan", "--json", task.toString());

        assertEquals(ExitCodes.OK, run.exitCode(), run::toString);
        JsonNode plan = new ObjectMapper().readTree(run.out());
        assertEquals(1, plan.get("tables").size());
        JsonNode table = plan.get("tables").get(0);
        assertEquals("Orders", table.get("source").get("name").asText());
        assertEquals("orders", table.get("target").get("name").asText());
        assertEquals("numeric(10,2)", table.get("columns").get(1).get("targetType").asText());
        assertEquals(1, plan.get("totals").get("tables").asInt());
    }

    /** PostgreSQL 14+ keeps reltuples at -1 until a table is first vacuumed or analysed: that is not "0 rows". */
    @Test
    void aTableNeverAnalysedHasRowsUnknownNotZero(PgLab lab) throws IOException {
        TestDatabase source = lab.newDatabase(17);
        TestDatabase target = lab.newDatabase(17);
        source.execute("CREATE TABLE public.fresh (id int PRIMARY KEY) WITH (autovacuum_enabled = false)",
                "INSERT INTO public.fresh SELECT generate_series(1, 500)");
        Path task = task(source, target, """
                {"rules": [{"rule-type": "selection", "rule-id": "1", "rule-name": "all", "rule-action": "include",
                            "object-locator": {"schema-name": "public", "table-name": "%"}}]}
                """);

        CliRun text = CliRun.of("plan", task.toString());
        CliRun json = CliRun.of("plan", "--json", task.toString());

        assertEquals(ExitCodes.OK, text.exitCode(), text::toString);
        assertTrue(text.out().contains("  table, rows unknown (not analysed), "), text::toString);
        assertTrue(text.out().contains("Totals: 1 table, 1 copy unit, rows unknown, "), text::toString);
        assertTrue(new ObjectMapper().readTree(json.out()).get("tables").get(0).get("estimatedRows").isNull(), json::toString);
    }

    /** From PostgreSQL 14 on, ANALYZE records the total of the leaves on the partitioned table too. */
    @Test
    void aPartitionedTableCountsTheRowsOfItsLeavesOnce(PgLab lab) throws IOException {
        TestDatabase source = lab.newDatabase(17);
        TestDatabase target = lab.newDatabase(17);
        source.execute("CREATE TABLE public.p (id int, PRIMARY KEY (id)) PARTITION BY RANGE (id)",
                "CREATE TABLE public.p1 PARTITION OF public.p FOR VALUES FROM (0) TO (1000)",
                "CREATE TABLE public.p2 PARTITION OF public.p FOR VALUES FROM (1000) TO (2000)",
                "INSERT INTO public.p SELECT generate_series(0, 1999)", "ANALYZE");
        Path task = task(source, target, """
                {"rules": [{"rule-type": "selection", "rule-id": "1", "rule-name": "p", "rule-action": "include",
                            "object-locator": {"schema-name": "public", "table-name": "p"}}]}
                """);

        CliRun run = CliRun.of("plan", task.toString());

        assertEquals(ExitCodes.OK, run.exitCode(), run::toString);
        assertTrue(run.out().contains("partitioned table (2 partitions, keep), ~2,000 rows"), run::toString);
        assertTrue(run.out().contains("Totals: 1 table, 2 copy units, ~2,000 rows"), run::toString);
    }

    @Test
    void aSelectionRuleThatMatchesNothingFailsWithThePreciseRule(PgLab lab) throws IOException {
        TestDatabase source = lab.newDatabase(17);
        TestDatabase target = lab.newDatabase(17);
        source.execute("CREATE TABLE public.orders (id int PRIMARY KEY)");
        Path task = task(source, target, """
                {"rules": [{"rule-type": "selection", "rule-id": "1", "rule-name": "orders", "rule-action": "include",
                            "object-locator": {"schema-name": "public", "table-name": "orders"}},
                           {"rule-type": "selection", "rule-id": "2", "rule-name": "typo", "rule-action": "include",
                            "object-locator": {"schema-name": "public", "table-name": "ordres"}}]}
                """);

        CliRun run = CliRun.of("plan", task.toString());

        assertEquals(ExitCodes.BAD_INPUT, run.exitCode(), run::toString);
        assertTrue(run.err().contains("rules[1]"), run::toString);
        assertTrue(run.err().contains("ordres"), run::toString);
        assertEquals("", run.out());
    }

    @Test
    void aWrongPasswordIsOneClearLineWithTheAccessExitCode(PgLab lab) throws IOException {
        var server = lab.dedicatedServer(17, java.util.Map.of("password_encryption", "'scram-sha-256'"),
                java.util.List.of("host all app 127.0.0.1/32 scram-sha-256"));
        TestDatabase source = lab.newDatabase(server);
        source.execute("CREATE ROLE app LOGIN PASSWORD 'right-one'");
        Path mappings = Files.writeString(dir.resolve("m.json"), """
                {"rules": [{"rule-type": "selection", "rule-id": "1", "rule-name": "all", "rule-action": "include",
                            "object-locator": {"schema-name": "public", "table-name": "%"}}]}
                """);
        Path task = Files.writeString(dir.resolve("task.yaml"), """
                name: wrongpw
                source:
                  url: postgresql://app@127.0.0.1:%d/%s
                  password: wrong-one
                target:
                  url: postgresql://app@127.0.0.1:%d/%s
                type: full-load
                tableMappings: %s
                """.formatted(server.port(), source.name(), server.port(), source.name(), mappings.getFileName()));

        CliRun run = CliRun.of("plan", task.toString());

        assertEquals(ExitCodes.ACCESS, run.exitCode(), run::toString);
        assertEquals(1, run.err().strip().lines().count(), run::toString);
        assertTrue(run.err().contains("password"), run::toString);
        assertTrue(run.err().contains("source"), run::toString);
        assertFalse(run.err().contains("wrong-one"), "the password must never be printed:\n" + run);
    }

    @Test
    void anUnreachableServerSaysWhereItLooked() throws IOException {
        Path mappings = Files.writeString(dir.resolve("m.json"), """
                {"rules": [{"rule-type": "selection", "rule-id": "1", "rule-name": "all", "rule-action": "include",
                            "object-locator": {"schema-name": "public", "table-name": "%"}}]}
                """);
        Path task = Files.writeString(dir.resolve("task.yaml"), """
                name: nowhere
                source:
                  url: postgresql://app@127.0.0.1:1/shop
                target:
                  url: postgresql://app@127.0.0.1:1/shop
                type: full-load
                tableMappings: m.json
                """);

        CliRun run = CliRun.of("plan", task.toString());

        assertEquals(ExitCodes.ACCESS, run.exitCode(), run::toString);
        assertTrue(run.err().contains("127.0.0.1:1"), run::toString);
        assertFalse(run.err().contains("\tat "), run::toString);
    }

    private Path task(TestDatabase source, TestDatabase target, String mappings) throws IOException {
        Files.writeString(dir.resolve("mappings.json"), mappings);
        return Files.writeString(dir.resolve("task.yaml"), """
                name: plantest
                source:
                  url: %s
                target:
                  url: %s
                type: full-load-and-cdc
                tableMappings: mappings.json
                """.formatted(source.url(), target.url()));
    }
}
