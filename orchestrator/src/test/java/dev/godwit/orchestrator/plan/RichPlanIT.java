package dev.godwit.orchestrator.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.godwit.orchestrator.cli.CliRun;
import dev.godwit.orchestrator.cli.ExitCodes;
import dev.godwit.workers.testkit.PgExtension;
import dev.godwit.workers.testkit.PgLab;
import dev.godwit.workers.testkit.TestDatabase;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The plan of a rich schema says what will really happen to every table. */
@ExtendWith(PgExtension.class)
class RichPlanIT {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "PostgreSQL {0} source")
    @ValueSource(ints = {13, 17})
    void planOfARichSchemaShowsUnitsPartitionsKeysCdcCoverageAndWhatIsNotMigrated(int major, PgLab lab) throws IOException {
        TestDatabase source = lab.newDatabase(major);
        TestDatabase target = lab.newDatabase(17);
        source.execute(dev.godwit.orchestrator.run.FullLoadFixtures.RICH_SCHEMA,
                "CREATE UNLOGGED TABLE public.scratch (id int PRIMARY KEY)",
                "CREATE TABLE public.blobs (id int PRIMARY KEY, doc oid)");
        Files.writeString(dir.resolve("mappings.json"), """
                {"rules": [{"rule-type": "selection", "rule-id": "1", "rule-name": "all", "rule-action": "include",
                            "object-locator": {"schema-name": "%", "table-name": "%"}}]}
                """);
        Path task = Files.writeString(dir.resolve("task.yaml"), """
                name: richplan
                source:
                  url: %s
                target:
                  url: %s
                type: full-load-and-cdc
                tableMappings: mappings.json
                settings:
                  parallelism: 2
                  splitThreshold: 64kB
                """.formatted(source.url(), target.url()));

        CliRun run = CliRun.of("plan", "--json", task.toString());

        assertEquals(ExitCodes.OK, run.exitCode(), run::toString);
        JsonNode plan = new ObjectMapper().readTree(run.out());
        Map<String, JsonNode> tables = new HashMap<>();
        plan.get("tables").forEach(t -> tables.put(t.get("source").get("schema").asText() + "." + t.get("source").get("name").asText(), t));

        // partitions travel with their root, two levels deep, one unit per leaf
        assertTrue(tables.containsKey("sales.orders"));
        assertTrue(!tables.containsKey("sales.orders_2025") && !tables.containsKey("sales.orders_2025_open"),
                "a partition whose root is selected is not planned twice: " + tables.keySet());
        JsonNode orders = tables.get("sales.orders");
        assertEquals(List.of("sales.orders_2025_done", "sales.orders_2025_open", "sales.orders_rest"),
                sorted(orders.get("partitions")));
        java.util.Set<String> unitRelations = new java.util.TreeSet<>();
        orders.get("units").forEach(u -> unitRelations.add(u.get("relation").asText()));
        assertEquals(java.util.Set.of("sales.orders_2025_done", "sales.orders_2025_open", "sales.orders_rest"), unitRelations,
                "the leaves are the units; the partitioned tables above them hold no rows");
        assertEquals("keep", orders.get("partitionRule").asText());

        // a big table is split: block ranges on 14+, integer key ranges before
        JsonNode customers = tables.get("sales.customers");
        assertTrue(customers.get("units").size() >= 2, customers::toString);
        assertEquals(major >= 14 ? "ctid_range" : "key_range", customers.get("units").get(0).get("kind").asText());
        assertEquals("[\"id\"]", customers.get("primaryKey").toString());

        // inheritance: parent and children are separate tables, each read FROM ONLY
        assertTrue(tables.containsKey("public.animals") && tables.containsKey("public.dogs") && tables.containsKey("public.cats"));

        // mixed-case names, CDC coverage and the not-migrated list
        assertTrue(tables.containsKey("Mixed Case.Event Log"));
        assertEquals("all_changes", customers.get("cdc").asText());
        assertEquals("inserts_only", tables.get("public.keyless").get("cdc").asText());
        assertEquals("copied_at_cutover", tables.get("public.scratch").get("cdc").asText());
        List<String> notMigrated = new ArrayList<>();
        plan.get("notMigrated").forEach(n -> notMigrated.add(n.get("object").asText() + ": " + n.get("reason").asText()));
        assertTrue(notMigrated.stream().anyMatch(n -> n.startsWith("public.keyless: updates and deletes")), notMigrated::toString);
        assertFalse(notMigrated.stream().anyMatch(n -> n.startsWith("public.scratch")), notMigrated::toString);
        assertFalse(notMigrated.stream().anyMatch(n -> n.startsWith("public.blobs")), notMigrated::toString);
        assertEquals(tables.size(), plan.get("totals").get("tables").asInt());
        List<String> objects = new ArrayList<>();
        plan.get("objects").forEach(o -> objects.add(o.get("object").asText() + " @ " + o.get("when").asText()));
        assertTrue(objects.stream().anyMatch(o -> o.startsWith("table \"sales\".\"customers\" @ step 3")), objects::toString);
    }

    private static List<String> sorted(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        out.sort(null);
        return out;
    }
}
