package dev.godwit.orchestrator.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import org.slf4j.LoggerFactory;

/** Maps -v / -vv onto log levels (godwit's own lines at INFO, DEBUG, then everything at DEBUG), and the log format. */
final class Logging {
    /** Readable lines, or one JSON object per line (logback's JSON encoder: timestamp, level, logger, message). */
    enum Format { text, json }

    private Logging() {
    }

    static void configure(int verbosity, Format format) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        context.getLogger("dev.godwit").setLevel(verbosity >= 1 ? Level.DEBUG : Level.INFO);
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(verbosity >= 2 ? Level.DEBUG : Level.WARN);
        if (format == Format.json && root.getAppender(LogSetup.APPENDER) instanceof ConsoleAppender<ILoggingEvent> console) {
            JsonEncoder encoder = new JsonEncoder();
            encoder.setContext(context);
            encoder.setWithSequenceNumber(false);
            encoder.setWithContext(false);
            encoder.setWithMDC(false);
            encoder.setWithArguments(false);
            encoder.start();
            console.stop();
            console.setEncoder(encoder);
            console.start();
        }
    }
}
