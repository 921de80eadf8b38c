package dev.godwit.orchestrator.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CliTest {
    private static final String[] VERBS = {"start", "resume", "stop", "status", "plan", "preflight", "validate", "cutover", "fallback", "reload", "cleanup"};

    @Test
    void topLevelHelpListsEveryCommandAndTheExitCodes() {
        CliRun run = CliRun.of("--help");
        assertEquals(0, run.exitCode(), run::toString);
        for (String verb : VERBS) {
            assertTrue(run.out().contains("  " + verb + " "), () -> verb + " missing from\n" + run.out());
        }
        assertTrue(run.out().replaceAll("\\s+", " ").contains("3 preflight blockers"), run::toString);
        assertTrue(run.out().replaceAll("\\s+", " ").contains("6 the replication slot is lost"), run::toString);
    }

    @ParameterizedTest
    @ValueSource(strings = {"start", "resume", "stop", "status", "plan", "preflight", "validate", "cutover", "fallback", "reload", "cleanup"})
    void everyCommandExplainsItselfWithHelp(String verb) {
        CliRun run = CliRun.of(verb, "--help");
        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(run.out().contains("Usage: godwit " + verb), run::toString);
        assertTrue(run.out().contains("TASK"), run::toString);
    }

    @Test
    void versionNamesTheProgram() {
        CliRun run = CliRun.of("--version");
        assertEquals(0, run.exitCode());
        assertTrue(run.out().startsWith("godwit "), run::toString);
    }

    @Test
    void anUnknownCommandIsABadCommandLine() {
        CliRun run = CliRun.of("migrate", "x.yaml");
        assertEquals(ExitCodes.BAD_INPUT, run.exitCode(), run::toString);
        assertTrue(run.err().contains("migrate"), run::toString);
    }

    @Test
    void aMetricsPortOutOfRangeIsABadCommandLineNamingIt() {
        CliRun run = CliRun.of("start", "x.yaml", "--metrics-port", "70000");
        assertEquals(ExitCodes.BAD_INPUT, run.exitCode(), run::toString);
        assertTrue(run.err().contains("--metrics-port 70000 is not a port; expected 1 to 65535"), run::toString);
    }

    @Test
    void aMissingTaskArgumentIsABadCommandLine() {
        CliRun run = CliRun.of("plan");
        assertEquals(ExitCodes.BAD_INPUT, run.exitCode(), run::toString);
        assertTrue(run.err().contains("TASK"), run::toString);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--at 2020-01-01T02:00:00Z | --at '2020-01-01T02:00:00Z' is in the past",
            "--at tomorrow | --at 'tomorrow' is not a time",
            "--cron 0-0-2 | --cron '0-0-2' is not a valid Quartz cron expression",
            "--at 2099-01-01T02:00:00Z --cancel | use one of --at, --cron and --cancel"})
    void aWrongCutoverScheduleIsABadCommandLineNamingTheProblem(String options, String message, @TempDir Path dir)
            throws IOException {
        Path task = Files.writeString(dir.resolve("t.yaml"), "name: x\n");
        List<String> args = new java.util.ArrayList<>(List.of("cutover", task.toString()));
        args.addAll(List.of(options.split(" ")));
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(ExitCodes.BAD_INPUT, run.exitCode(), run::toString);
        assertTrue(run.err().contains(message), run::toString);
        assertEquals(1, run.err().strip().lines().count(), run::toString);
    }

    /** The forms docs/cutover.md and the help promise; built from tomorrow's date so that they never fall in the past. */
    @ParameterizedTest
    @ValueSource(strings = {"T02:00:00+01:00", "T02:00:00Z", "T02:00:00", "T02:00"})
    void aFutureCutoverTimeIsAcceptedInEveryDocumentedForm(String timeOfDay) {
        String text = java.time.LocalDate.now().plusDays(2) + timeOfDay;
        assertTrue(CutoverCommand.parseTime(text).isAfter(java.time.Instant.now()), text);
    }

    @Test
    void aYamlSyntaxErrorNamesFileLineAndColumnWithoutAStackTrace(@TempDir Path dir) throws IOException {
        Path task = Files.writeString(dir.resolve("broken.yaml"), """
                name: shop
                source:
                  url: postgresql://app@db:5432/shop
                 target: [unclosed
                """);
        CliRun run = CliRun.of("plan", task.toString());
        assertEquals(ExitCodes.BAD_INPUT, run.exitCode(), run::toString);
        assertTrue(run.err().contains("broken.yaml"), run::toString);
        assertTrue(run.err().matches("(?s).*line \\d+, column \\d+.*"), run::toString);
        assertNoStackTrace(run);
    }

    @Test
    void everySemanticProblemOfATaskFileIsReportedAtOnceWithItsPath(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("mappings.json"), """
                {"rules": [
                  {"rule-type": "selection", "rule-id": "1", "rule-name": "a",
                   "object-locator": {"schema-name": "public", "table-name": "%"}, "rule-action": "inclde"}
                ]}
                """);
        Path task = Files.writeString(dir.resolve("task.yaml"), """
                name: shop
                source:
                  url: postgresql://app@db:5432/shop
                target:
                  url: postgresql://admin@db2:5432/shop
                type: full-load-and-cdc-please
                tableMappings: mappings.json
                """);
        CliRun run = CliRun.of("plan", task.toString());
        assertEquals(ExitCodes.BAD_INPUT, run.exitCode(), run::toString);
        assertTrue(run.err().contains("rules[0].rule-action"), run::toString);
        assertTrue(run.err().contains("inclde"), run::toString);
        assertTrue(run.err().contains("type"), run::toString);
        assertTrue(run.err().contains("full-load-and-cdc-please"), run::toString);
        assertNoStackTrace(run);
    }

    @Test
    void aMissingTaskFileIsABadInputNotACrash(@TempDir Path dir) {
        CliRun run = CliRun.of("plan", dir.resolve("nope.yaml").toString());
        assertEquals(ExitCodes.BAD_INPUT, run.exitCode(), run::toString);
        assertTrue(run.err().contains("nope.yaml"), run::toString);
        assertNoStackTrace(run);
    }

    static void assertNoStackTrace(CliRun run) {
        assertFalse(run.err().contains("\tat "), () -> "stack trace printed:\n" + run);
        assertFalse(run.err().contains("Exception"), () -> "exception class printed:\n" + run);
    }
}
