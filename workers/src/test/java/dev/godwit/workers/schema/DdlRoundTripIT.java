package dev.godwit.workers.schema;

import dev.godwit.mappings.partition.PartitionRule;
import dev.godwit.mappings.rules.TableMapping;
import dev.godwit.workers.catalog.CatalogReader;
import dev.godwit.workers.catalog.SourceCatalog;
import dev.godwit.workers.catalog.Table;
import dev.godwit.workers.catalog.CatalogFixture;
import dev.godwit.workers.testkit.PgExtension;
import dev.godwit.workers.testkit.PgLab;
import dev.godwit.workers.testkit.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(PgExtension.class)
class DdlRoundTripIT {

    static SourceCatalog read(TestDatabase db) throws SQLException {
        try (Connection c = db.connect()) {
            return new CatalogReader(c).read();
        }
    }

    /** Runs pre-data then post-data on the target and returns what the verifier finds. */
    private static List<String> apply(TestDatabase target, SourceCatalog source, List<TargetTableSpec> specs,
                                      DdlWriter.Options options, SchemaScript script) throws SQLException {
        try (Connection c = target.connect()) {
            ScriptRunner.run(c, script.preData());
            ScriptRunner.run(c, script.postDataInOrder());
            return SchemaVerifier.verify(c, source, specs, options);
        }
    }

    @ParameterizedTest(name = "PostgreSQL {0} to 17")
    @ValueSource(ints = {13, 17})
    void recreatesTheWholeRichSchemaSoThatTheVerifierFindsNoDifference(int sourceMajor, PgLab lab)
            throws SQLException {
        TestDatabase source = lab.newDatabase(sourceMajor);
        CatalogFixture.create(source);
        TestDatabase target = lab.newDatabase(17);
        SourceCatalog catalog = read(source);
        List<TargetTableSpec> specs = TestMappings.identitySpecs(catalog, new PartitionRule.Keep());
        SchemaScript script = DdlWriter.write(catalog, specs, DdlWriter.Options.defaults());

        assertEquals(List.of(), apply(target, catalog, specs, DdlWriter.Options.defaults(), script));
        // the partitions two levels deep route rows, identity and generated columns work, the FK holds
        target.execute("INSERT INTO sales.orders VALUES (1, '2024-01-05', 'eu', 'paid', 10),"
                        + " (2, '2025-06-01', 'eu', 'new', 40)",
                "INSERT INTO \"MixedCase\".\"Order Items\" (order_id, ordered_at, region, \"Quantity\", unit_price)"
                        + " VALUES (1, '2024-01-05', 'eu', 3, 2.5)",
                "INSERT INTO sales.tickets (subject) VALUES ('x')");
        assertEquals(1, target.count("sales.orders_2024_01_eu"));
        assertEquals(1, target.count("sales.orders_default"));
        assertEquals("7.50", target.value("SELECT total::numeric(12,2) FROM \"MixedCase\".\"Order Items\""));
        assertEquals("1", target.value("SELECT item_id FROM \"MixedCase\".\"Order Items\""));
        assertEquals("1", target.value("SELECT no FROM sales.tickets"));
        assertThrows(IllegalStateException.class, () -> target.execute("INSERT INTO \"MixedCase\".\"Order Items\""
                + " (order_id, ordered_at, region, \"Quantity\", unit_price) VALUES (9, '2024-01-05', 'eu', 1, 1)"));
        assertEquals("t", target.value("SELECT relpersistence = 'u' FROM pg_class WHERE oid = 'inventory.cache'::regclass"));
        // the enum keeps its sort order, which differs from its creation order on the source
        assertEquals(List.of("new", "cancelled", "paid", "shipped"),
                target.column("SELECT unnest(enum_range(NULL::sales.order_status))::text"));
        // nothing else is degraded: only the view and the materialized view become plain tables
        assertEquals(2, script.warnings().size(), script.warnings().toString());
        assertTrue(script.warnings().stream().anyMatch(w -> w.contains("customer_emails") && w.contains("view")),
                script.warnings().toString());
        assertEquals(List.of("inventory.books", "inventory.gadgets"), target.column("SELECT inhrelid::regclass::text"
                + " FROM pg_inherits WHERE inhparent = 'inventory.items'::regclass ORDER BY 1"));
    }

    @Test
    void mergesAPartitionedTableIntoOnePlainTable(PgLab lab) throws SQLException {
        TestDatabase source = lab.newDatabase(13);
        CatalogFixture.create(source);
        TestDatabase target = lab.newDatabase(17);
        SourceCatalog catalog = read(source);
        Table orders = catalog.table("sales", "orders").orElseThrow();
        List<TargetTableSpec> specs = List.of(new TargetTableSpec(orders,
                TestMappings.identity(orders, new PartitionRule.Merge()), List.of()));

        List<String> differences = apply(target, catalog, specs, DdlWriter.Options.defaults(),
                DdlWriter.write(catalog, specs, DdlWriter.Options.defaults()));

        assertEquals(List.of(), differences);
        assertEquals("r", target.value("SELECT relkind FROM pg_class WHERE oid = 'sales.orders'::regclass"));
        assertEquals("0", target.value("SELECT count(*) FROM pg_class WHERE relname LIKE 'orders_2024%'"));
    }

    private static TestDatabase events(PgLab lab) {
        TestDatabase source = lab.newDatabase(17);
        source.execute("CREATE SCHEMA app",
                "CREATE TABLE app.events (id bigint, at date, kind text, payload text, PRIMARY KEY (id, at, kind))",
                "CREATE INDEX events_kind_idx ON app.events (kind)",
                "INSERT INTO app.events SELECT g, date '2024-01-10' + g * 7, (ARRAY['a','b','c'])[g % 3 + 1], 'p'"
                        + " FROM generate_series(1, 20) g");
        return source;
    }

    private static List<String> repartition(PgLab lab, PartitionRule.Strategy strategy, boolean bounds)
            throws SQLException {
        TestDatabase source = events(lab);
        TestDatabase target = lab.newDatabase(17);
        SourceCatalog catalog = read(source);
        Table events = catalog.table("app", "events").orElseThrow();
        List<TargetTableSpec> specs = List.of(new TargetTableSpec(events,
                TestMappings.identity(events, new PartitionRule.Repartition(strategy)), List.of()));
        DdlWriter.Options options = DdlWriter.Options.defaults();
        if (bounds) {
            options = options.withRangeBounds("app.events", new RangeBounds(
                    source.value("SELECT min(at) FROM app.events"), source.value("SELECT max(at) FROM app.events")));
        }
        assertEquals(List.of(), apply(target, catalog, specs, options, DdlWriter.write(catalog, specs, options)));
        target.execute("INSERT INTO app.events SELECT g, date '2024-01-10' + g * 7, (ARRAY['a','b','c'])[g % 3 + 1],"
                + " 'p' FROM generate_series(1, 20) g");
        return target.column("SELECT c.relname || ':' || (SELECT count(*) FROM app.events e WHERE e.tableoid = c.oid)"
                + " FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                + " WHERE i.inhparent = 'app.events'::regclass ORDER BY c.relname");
    }

    @Test
    void repartitionsAPlainTableByMonthCoveringTheDataWithADefault(PgLab lab) throws SQLException {
        List<String> partitions = repartition(lab, new PartitionRule.Range("at", "1 month"), true);
        // 2024-01-17 .. 2024-05-29, a week apart: January to May, and a default that stays empty
        assertEquals(List.of("events_default:0", "events_p20240101:3", "events_p20240201:4", "events_p20240301:4",
                "events_p20240401:4", "events_p20240501:5"), partitions);
    }

    @Test
    void repartitionsByListWithADefaultForOtherValues(PgLab lab) throws SQLException {
        // kinds: a for ids divisible by 3 (6 rows), b and c 7 rows each; c goes to the default
        assertEquals(List.of("events_default:7", "events_p1:6", "events_p2:7"),
                repartition(lab, new PartitionRule.ListBy("kind", List.of(List.of("a"), List.of("b"))), false));
    }

    @Test
    void repartitionsByHash(PgLab lab) throws SQLException {
        List<String> partitions = repartition(lab, new PartitionRule.Hash("id", 4), false);
        assertEquals(4, partitions.size());
        assertEquals(20, partitions.stream().mapToInt(p -> Integer.parseInt(p.substring(p.indexOf(':') + 1))).sum());
    }

    @Test
    void createsEverythingUnderRenamedSchemas(PgLab lab) throws SQLException {
        TestDatabase source = lab.newDatabase(13);
        CatalogFixture.create(source);
        TestDatabase target = lab.newDatabase(17);
        SourceCatalog catalog = read(source);
        Function<String, String> rename = s -> s.equals("sales") ? "Shop Floor" : s;
        List<TargetTableSpec> specs = TestMappings.identitySpecs(catalog, new PartitionRule.Keep()).stream()
                .map(s -> new TargetTableSpec(s.source(), TestMappings.withSchema(s.mapping(), rename::apply),
                        s.partitions()))
                .toList();
        DdlWriter.Options options = DdlWriter.Options.defaults().withSchemaMapping(rename);

        assertEquals(List.of(), apply(target, catalog, specs, options, DdlWriter.write(catalog, specs, options)));
        assertEquals("0", target.value("SELECT count(*) FROM pg_namespace WHERE nspname = 'sales'"));
        assertEquals("Shop Floor.order_status", target.value("SELECT n.nspname || '.' || t.typname FROM pg_type t"
                + " JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typname = 'order_status'"));
        target.execute("INSERT INTO \"Shop Floor\".tickets (subject) VALUES ('x')");
        assertEquals("1", target.value("SELECT no FROM \"Shop Floor\".tickets"));
    }

    @Test
    void renamesAColumnInItsIndexesAndSkipsTheIndexOfARemovedColumn(PgLab lab) throws SQLException {
        TestDatabase source = lab.newDatabase(17);
        CatalogFixture.create(source);
        TestDatabase target = lab.newDatabase(17);
        SourceCatalog catalog = read(source);
        Table customers = catalog.table("sales", "customers").orElseThrow();
        Map<String, String> changes = new HashMap<>();
        changes.put("email", "E-Mail");
        changes.put("country", null);
        TableMapping mapping = TestMappings.renameColumns(TestMappings.identity(customers, new PartitionRule.Keep()),
                changes);
        List<TargetTableSpec> specs = List.of(new TargetTableSpec(customers, mapping, List.of()));
        SchemaScript script = DdlWriter.write(catalog, specs, DdlWriter.Options.defaults());

        assertEquals(List.of(), apply(target, catalog, specs, DdlWriter.Options.defaults(), script));
        assertEquals("CREATE INDEX customers_lower_email_idx ON sales.customers USING btree (lower(\"E-Mail\"))",
                target.value("SELECT pg_get_indexdef('sales.customers_lower_email_idx'::regclass)"));
        assertEquals("UNIQUE (\"E-Mail\")", target.value("SELECT pg_get_constraintdef(oid) FROM pg_constraint"
                + " WHERE conname = 'customers_email_key'"));
        assertFalse(target.column("SELECT indexname FROM pg_indexes WHERE tablename = 'customers'")
                .contains("customers_country_idx"));
        assertTrue(script.warnings().stream().anyMatch(w -> w.contains("customers_country_idx")),
                script.warnings().toString());
    }
}
