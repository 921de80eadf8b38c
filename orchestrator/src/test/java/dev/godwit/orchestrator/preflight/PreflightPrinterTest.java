package dev.godwit.orchestrator.preflight;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.godwit.mappings.task.Endpoint;
import dev.godwit.mappings.task.MigrationType;
import dev.godwit.mappings.task.PasswordSource;
import dev.godwit.mappings.task.Settings;
import dev.godwit.mappings.task.Task;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PreflightPrinterTest {
    private static final Task TASK = new Task("shop", Path.of("task.yaml"),
            new Endpoint("10.0.0.5", 5432, "shop", "app", Map.of("sslmode", "verify-full"), new PasswordSource.Literal("hunter2")),
            new Endpoint("10.0.0.9", 5432, "shop", "admin", Map.of(), new PasswordSource.FromEnvironment("TGT")),
            MigrationType.FULL_LOAD_AND_CDC, null, Settings.defaults("shop"));

    private static final PreflightReport REPORT = new PreflightReport(List.of(
            Finding.warning("table.large_objects", "\"public\".\"docs\"", "large objects are not copied", "pg_dump --large-objects"),
            Finding.blocker("source.wal_level", "wal_level", "wal_level is 'replica'", "ALTER SYSTEM SET wal_level = logical;")));

    @Test
    void textGroupsBlockersBeforeWarningsWithObjectProblemAndFix() {
        String text = print(w -> new PreflightPrinter().printText(TASK, REPORT, w));

        assertTrue(text.indexOf("BLOCKERS (1)") < text.indexOf("WARNINGS (1)"), text);
        assertTrue(text.contains("  wal_level  [source.wal_level]\n      problem: wal_level is 'replica'\n"
                + "      fix:     ALTER SYSTEM SET wal_level = logical;\n"), text);
        assertTrue(text.strip().endsWith("1 blocker, 1 warning: fix the blockers, then run preflight again (exit code 3)."), text);
        assertTrue(text.contains("postgresql://app@10.0.0.5:5432/shop?sslmode=verify-full"), text);
        assertFalse(text.contains("hunter2"), text);
    }

    @Test
    void aCleanReportSaysTheTaskCanRunAndPrintsNoEmptyGroups() {
        String text = print(w -> new PreflightPrinter().printText(TASK, new PreflightReport(List.of()), w));

        assertFalse(text.contains("BLOCKERS"), text);
        assertFalse(text.contains("WARNINGS"), text);
        assertTrue(text.contains("0 blockers, 0 warnings: the task can run."), text);
    }

    @Test
    void jsonListsEveryFindingWithCountsAndRedactedEndpoints() throws Exception {
        JsonNode doc = new ObjectMapper().readTree(print(w -> new PreflightPrinter().printJson(TASK, REPORT, w)));

        assertEquals(1, doc.get("blockers").asInt());
        assertEquals(1, doc.get("warnings").asInt());
        assertEquals("blocker", doc.get("findings").get(0).get("severity").asText());
        assertEquals("source.wal_level", doc.get("findings").get(0).get("check").asText());
        assertEquals("pg_dump --large-objects", doc.get("findings").get(1).get("fix").asText());
        assertFalse(doc.toString().contains("hunter2"));
    }

    @Test
    void aReportHasBlockersOnlyWhenOneFindingIsABlocker() {
        assertTrue(REPORT.hasBlockers());
        assertFalse(new PreflightReport(List.of(REPORT.warnings().get(0))).hasBlockers());
        assertEquals(1, REPORT.of("source.wal_level").size());
    }

    @Test
    void extensionsOutsideContribAreNamedByTheirPackageForTheTargetVersion() {
        assertEquals("postgresql-17-postgis-3 (the PGDG package name)", TargetChecks.packageFor("postgis", 17));
        assertEquals("postgresql-16-pgvector (the PGDG package name)", TargetChecks.packageFor("vector", 16));
        assertTrue(TargetChecks.packageFor("hstore", 17).contains("contrib"));
    }

    private static String print(java.util.function.Consumer<PrintWriter> printer) {
        StringWriter s = new StringWriter();
        printer.accept(new PrintWriter(s));
        return s.toString();
    }
}
