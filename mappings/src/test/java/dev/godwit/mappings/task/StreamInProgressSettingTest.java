package dev.godwit.mappings.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code settings.cdc.streamInProgress}: off unless asked for, a boolean. */
class StreamInProgressSettingTest {

    @TempDir
    Path dir;

    private Task load(String settings) throws Exception {
        Path file = dir.resolve("task.yaml");
        Files.writeString(file, """
                name: shop
                source:
                  url: postgresql://app@10.0.0.5:5432/shop
                target:
                  url: postgres://admin@10.0.0.9/shop
                type: full-load-and-cdc
                tableMappings:
                  rules:
                    - {rule-type: selection, rule-id: 1, rule-name: all, object-locator: {schema-name: public, table-name: '%'}, rule-action: include}
                """ + settings);
        return new TaskLoader().load(file);
    }

    @Test
    void isOffByDefault() throws Exception {
        assertFalse(load("").settings().cdc().streamInProgress());
        assertFalse(load("settings: {cdc: {applyParallelism: 2}}").settings().cdc().streamInProgress());
    }

    @Test
    void isReadFromTheCdcSettings() throws Exception {
        CdcSettings cdc = load("settings: {cdc: {streamInProgress: true, applyParallelism: 3}}").settings().cdc();
        assertTrue(cdc.streamInProgress());
        assertEquals(3, cdc.applyParallelism());
    }

    @Test
    void isABoolean() {
        List<TaskProblem> problems = assertThrows(TaskFileException.class,
                () -> load("settings: {cdc: {streamInProgress: sometimes}}")).problems();
        assertEquals("settings.cdc.streamInProgress", problems.get(0).location());
    }
}
