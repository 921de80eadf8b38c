package dev.godwit.mappings;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.godwit.mappings.dms.DmsTableMappingsReader;
import dev.godwit.mappings.dms.DmsTaskSettingsReader;
import dev.godwit.mappings.partition.PartitionRule;
import dev.godwit.mappings.rules.ColumnMapping;
import dev.godwit.mappings.rules.MappingOutcome;
import dev.godwit.mappings.rules.ParallelLoad;
import dev.godwit.mappings.rules.RuleEngine;
import dev.godwit.mappings.rules.SourceTable;
import dev.godwit.mappings.rules.SourceTableKind;
import dev.godwit.mappings.rules.TableMapping;
import dev.godwit.mappings.rules.TableMappings;
import dev.godwit.mappings.task.Doc;
import dev.godwit.mappings.task.ErrorPolicy;
import dev.godwit.mappings.task.Problems;
import dev.godwit.mappings.task.Settings;
import dev.godwit.mappings.task.Task;
import dev.godwit.mappings.task.TaskLoader;
import dev.godwit.mappings.task.TargetTablePrepMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static dev.godwit.mappings.Catalogs.of;
import static dev.godwit.mappings.Catalogs.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The example DMS table-mapping and task-settings files of the DMS format reference load and apply as that reference
 * says. They are kept in this module's test resources, not read from beside the clone, so that the test runs (and
 * never skips) in any checkout.
 */
class ExampleFilesTest {

    private static final Path EXAMPLES = Path.of("src/test/resources/dms");

    static final List<SourceTable> CATALOG = List.of(
            table("sales", "invoices", "*id bigint", "total numeric(12,2)"),
            table("sales", "tmp_import", "id integer"),
            table("public", "orders", "*order_id bigint", "ord_date date", "ord_status text", "amount numeric(12,2)",
                    "created_on date", "region_id integer", "tenant_id integer"),
            table("public", "customers", "*id integer", "first_name text", "last_name text", "mail text",
                    "legacy_code text", "legacy_flag boolean"),
            table("public", "audit_log", "log_time timestamp with time zone!", "log_seq bigint!", "message text"),
            table("public", "documents", "*id integer", "body bytea"),
            of(SourceTableKind.VIEW, "reporting", "v_sales", "region text", "total numeric"));

    @Test
    void exampleTableMappingsLoadAndApply() throws Exception {
        checkTableMappings(EXAMPLES.resolve("dms-table-mappings.json"));
    }

    @Test
    void exampleTaskSettingsLoad() throws Exception {
        checkTaskSettings(EXAMPLES.resolve("dms-task-settings.json"));
    }

    @Test
    void aTaskFileCanReferenceBothExampleFiles(@TempDir Path dir) throws Exception {
        Files.copy(EXAMPLES.resolve("dms-table-mappings.json"), dir.resolve("mappings.json"));
        Files.copy(EXAMPLES.resolve("dms-task-settings.json"), dir.resolve("settings.json"));
        Path taskFile = dir.resolve("shop.yaml");
        Files.writeString(taskFile, """
                name: shop
                source:
                  url: postgresql://app@10.0.0.5:5432/shop?sslmode=verify-full
                  password: ${env:SRC_PASSWORD}
                target:
                  url: postgresql://admin@10.0.0.9/shop
                type: full-load-and-cdc
                tableMappings: mappings.json
                settings:
                  dmsTaskSettings: settings.json
                  parallelism: 4
                """);
        Task task = new TaskLoader().load(taskFile);
        assertEquals(4, task.settings().parallelism(), "the godwit key wins over MaxFullLoadSubTasks");
        assertEquals("godwit_control", task.settings().controlSchema());
        assertEquals(TargetTablePrepMode.TRUNCATE_BEFORE_LOAD, task.settings().targetTablePrepMode());
        assertEquals(5, task.tableMappings().selectionRules().size());
    }

    private static void checkTableMappings(Path file) throws Exception {
        Problems problems = new Problems();
        TableMappings mappings = new DmsTableMappingsReader()
                .read(new ObjectMapper().readTree(file.toFile()), "", new Doc(file, problems));
        assertEquals(List.of(), problems.list());
        assertEquals(5, mappings.selectionRules().size());
        assertEquals(10, mappings.transformationRules().size());
        assertEquals(2, mappings.tableSettingsRules().size());
        assertEquals(1, mappings.ignoredRules().size(), "add-before-image-columns is kept aside with a warning");

        MappingOutcome outcome = new RuleEngine(mappings, Settings.defaults("shop")).apply(CATALOG);
        // The example's rules 29 and 41 address tables no selection rule includes: godwit says so rather than
        // silently doing nothing, and the rest of the mapping is still worked out.
        assertEquals(List.of(
                "rules[14] (rule-name 'pk-for-keyless-table', rule-id 29): define-primary-key matches no selected"
                        + " table: looked for schema-name 'public' and table-name 'audit_log'; public.audit_log exists"
                        + " but no selection rule includes it",
                "rules[17] (rule-name 'documents-lobs', rule-id 41): table-settings rule matches no selected table:"
                        + " looked for public.documents"),
                outcome.errors().stream().map(Object::toString).toList());
        assertTrue(outcome.warnings().stream().anyMatch(w -> w.message().contains("add-before-image-columns")));
        assertTrue(outcome.warnings().stream().anyMatch(w -> w.message().contains("lob-settings")));

        List<String> order = outcome.tables().stream().map(t -> t.source().qualifiedName()).toList();
        assertEquals(List.of("public.customers", "public.orders", "reporting.v_sales", "sales.invoices"), order,
                "load-order 200 first, then 100, then the rest by name; sales.tmp_import is excluded and"
                        + " audit_log/documents are not selected");

        TableMapping invoices = find(outcome, "sales.invoices");
        assertEquals("sales_v2", invoices.targetSchema());
        assertEquals("s_invoices", invoices.targetName());

        TableMapping orders = find(outcome, "public.orders");
        assertEquals(Optional.of("\"created_on\" >= '2024-01-01' AND (\"region_id\" BETWEEN '1' AND '20' OR"
                + " \"region_id\" = '99') AND \"tenant_id\" IS NOT NULL"), orders.sourceFilterSql());
        assertEquals(100, orders.loadOrder());
        assertEquals(List.of("order_id", "order_date", "order_status", "amount", "created_on", "region_id",
                "tenant_id", "src_op"), orders.columns().stream().map(ColumnMapping::targetName).toList());
        ColumnMapping amount = orders.column("amount").orElseThrow();
        assertEquals("numeric(18,4)", amount.targetType());
        assertEquals("\"amount\"::numeric(18,4)", amount.selectExpression());
        assertTrue(amount.typeChanged());
        assertFalse(amount.lossy());
        ColumnMapping srcOp = orders.column("src_op").orElseThrow();
        assertEquals("'I'::character varying(1)", srcOp.selectExpression());
        assertEquals("D", srcOp.operationIndicator().orElseThrow().deleteValue());
        assertEquals(new ParallelLoad.Ranges(List.of("order_id"), List.of(List.of("1000000"), List.of("2000000"),
                List.of("3000000"))), orders.parallelLoad());
        assertEquals(new PartitionRule.Keep(), orders.partitionRule());

        TableMapping customers = find(outcome, "public.customers");
        assertEquals(List.of("id", "first_name", "last_name", "email", "full_name"),
                customers.columns().stream().map(ColumnMapping::targetName).toList());
        assertEquals("(\"first_name\" || ' ' || \"last_name\")::character varying(200)",
                customers.column("full_name").orElseThrow().selectExpression());
        assertTrue(customers.appliedRules().contains("rename-email (rules[9])"));
        assertEquals(200, customers.loadOrder());
    }

    private static void checkTaskSettings(Path file) throws Exception {
        Problems problems = new Problems();
        DmsTaskSettingsReader.Translated translated = new DmsTaskSettingsReader()
                .read(new ObjectMapper().readTree(file.toFile()), "", new Doc(file, problems));
        assertEquals(List.of(), problems.list());
        assertEquals("TRUNCATE_BEFORE_LOAD", translated.settings().get("targetTablePrepMode").asText());
        assertEquals(8, translated.settings().get("parallelism").asInt());
        assertEquals("godwit_control", translated.settings().get("controlSchema").asText());
        assertEquals("log-and-continue", translated.settings().get("errorPolicy").asText());
        assertEquals(ErrorPolicy.LOG_AND_CONTINUE, ErrorPolicy.parse("log-and-continue").orElseThrow());
        assertTrue(translated.settings().get("validation").get("enabled").asBoolean());
        assertTrue(translated.settings().get("cdc").get("allowAdditiveDdl").asBoolean());
        assertTrue(translated.ignoredKeys().contains("TargetMetadata.SupportLobs"));
        assertTrue(translated.ignoredKeys().contains("Logging.LogComponents"));
        assertFalse(translated.ignoredKeys().contains("FullLoadSettings.MaxFullLoadSubTasks"));
    }

    private static TableMapping find(MappingOutcome outcome, String name) {
        return outcome.tables().stream().filter(t -> t.source().qualifiedName().equals(name)).findFirst().orElseThrow();
    }
}
