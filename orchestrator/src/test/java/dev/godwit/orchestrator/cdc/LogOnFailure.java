package dev.godwit.orchestrator.cdc;

import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Prints the godwit log of a failed test. It runs right after the test method, before {@code @AfterEach} and before
 * JUnit deletes the {@code @TempDir} that holds the log (a {@code TestWatcher} comes after both and found no log).
 */
final class LogOnFailure implements AfterTestExecutionCallback {
    private final Supplier<Path> dir;

    LogOnFailure(Supplier<Path> dir) {
        this.dir = dir;
    }

    @Override
    public void afterTestExecution(ExtensionContext context) {
        if (context.getExecutionException().isPresent()) {
            System.err.println("godwit log of " + context.getDisplayName() + ":\n" + Godwit.log(dir.get()));
        }
    }
}
