package dev.godwit.orchestrator.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;

/** Maps -v / -vv onto log levels: godwit's own lines at INFO, DEBUG, then everything at DEBUG. */
final class Logging {
    private Logging() {
    }

    static void configure(int verbosity) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        context.getLogger("dev.godwit").setLevel(verbosity >= 1 ? Level.DEBUG : Level.INFO);
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(verbosity >= 2 ? Level.DEBUG : Level.WARN);
    }
}
