package dev.godwit.orchestrator.cdc;

import dev.godwit.orchestrator.run.FullLoadFixtures;
import dev.godwit.workers.testkit.TestDatabase;

import java.io.IOException;
import java.nio.file.Path;

/** Task files for the CDC tests: every table of schema public, full load then CDC, plus the test's own settings. */
final class CdcTasks {
    private CdcTasks() {
    }

    /** @param settings YAML lines under {@code settings:}, without indentation */
    static Path write(Path dir, String name, TestDatabase source, TestDatabase target, String settings) throws IOException {
        return FullLoadFixtures.taskFile(dir, name, "full-load-and-cdc", source, target, FullLoadFixtures.PUBLIC_TABLES,
                settings);
    }
}
