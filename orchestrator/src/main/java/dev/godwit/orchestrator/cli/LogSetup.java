package dev.godwit.orchestrator.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * godwit's logging as logback starts: log lines to standard error, godwit's own at INFO, every library's at WARN
 * ({@link Logging} then applies -v and --log-format). Set up in code, found through {@code META-INF/services}: reading
 * an XML configuration took logback's XML parser a few hundred milliseconds of every command's start, a resume's
 * included. A configuration named with {@code -Dlogback.configurationFile}, or a {@code logback-test.xml} on the class
 * path, is read instead, as logback would.
 */
public final class LogSetup extends ContextAwareBase implements Configurator {
    /** The appender's name, which {@link Logging} looks up to switch the format. */
    static final String APPENDER = "ERR";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null
                || LogSetup.class.getClassLoader().getResource("logback-test.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        // results (plan, status, reports) go to stdout so they can be piped; log lines to stderr
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{yyyy-MM-dd HH:mm:ss} %-5level %msg%n");
        encoder.start();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName(APPENDER);
        console.setTarget("System.err");
        console.setEncoder(encoder);
        console.start();
        context.getLogger("dev.godwit").setLevel(Level.INFO);
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(console);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
