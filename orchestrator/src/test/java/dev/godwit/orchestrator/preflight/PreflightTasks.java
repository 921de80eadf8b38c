package dev.godwit.orchestrator.preflight;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.godwit.orchestrator.cli.CliRun;
import dev.godwit.orchestrator.run.FullLoadFixtures;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Task files and JSON reports for the preflight tests. */
final class PreflightTasks {
    static final String ALL_PUBLIC = """
            {"rules": [{"rule-type": "selection", "rule-id": "1", "rule-name": "all", "rule-action": "include",
                        "object-locator": {"schema-name": "public", "table-name": "%"}}]}
            """;

    private PreflightTasks() {
    }

    /** Writes a task file; {@code settings} is YAML for the settings map, indented by two spaces, or empty. */
    static Path task(Path dir, String sourceUrl, String targetUrl, String type, String settings) {
        try {
            return FullLoadFixtures.taskFile(dir, "pf", type, sourceUrl, targetUrl, ALL_PUBLIC, settings);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A role name no other test uses (roles are per server, not per database). */
    static String roleName() {
        return "pf_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    static JsonNode json(CliRun run) {
        try {
            return new ObjectMapper().readTree(run.out());
        } catch (IOException e) {
            throw new AssertionError("not JSON:\n" + run, e);
        }
    }

    /** {@code severity check object} for every finding, as the assertions read them. */
    static List<String> findings(CliRun run) {
        List<String> out = new ArrayList<>();
        for (JsonNode f : json(run).get("findings")) {
            out.add(f.get("severity").asText() + " " + f.get("check").asText() + " " + f.get("object").asText());
        }
        return out;
    }

    static boolean has(List<String> findings, String prefix) {
        return findings.stream().anyMatch(f -> f.startsWith(prefix));
    }

    /** Replaces the task's mappings with one selecting every table of {@code schema}. */
    static void writeMappings(Path dir, String schema) {
        try {
            Files.writeString(dir.resolve("mappings.json"), ALL_PUBLIC.replace("\"public\"", "\"" + schema + "\""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
