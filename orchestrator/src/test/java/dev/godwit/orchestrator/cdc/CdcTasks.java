package dev.godwit.orchestrator.cdc;

import dev.godwit.workers.testkit.TestDatabase;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Task files for the CDC tests: every table of schema public, full load then CDC, plus the test's own settings. */
final class CdcTasks {
    private CdcTasks() {
    }

    /** @param settings YAML lines under {@code settings:}, without indentation */
    static Path write(Path dir, String name, TestDatabase source, TestDatabase target, String settings) throws IOException {
        Files.writeString(dir.resolve("mappings.json"), """
                {"rules": [{"rule-type": "selection", "rule-id": "1", "rule-name": "all", "rule-action": "include",
                            "object-locator": {"schema-name": "public", "table-name": "%"}}]}
                """);
        return Files.writeString(dir.resolve("task.yaml"), """
                name: %s
                source:
                  url: %s
                target:
                  url: %s
                type: full-load-and-cdc
                tableMappings: mappings.json
                settings:
                """.formatted(name, source.url(), target.url()) + settings.stripIndent().indent(2));
    }
}
