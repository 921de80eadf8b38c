package dev.godwit.orchestrator.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

import java.io.PrintWriter;

/** The {@code godwit} executable. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs one command line and returns its exit code; never calls System.exit, so tests can call it. */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** As {@link #run(String...)}, with results and errors written to the given writers. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = commandLine();
        cl.setOut(out);
        cl.setErr(err);
        return cl.execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new GodwitCommand());
        cl.setExecutionStrategy(parseResult -> {
            GodwitCommand godwit = (GodwitCommand) cl.getCommand();
            Logging.configure(godwit.verbosity(), godwit.logFormat);
            return new CommandLine.RunLast().execute(parseResult);
        });
        cl.setExecutionExceptionHandler(Main::handle);
        cl.setExitCodeExceptionMapper(ExitCodes::of);
        return cl;
    }

    /** One clear line for the user; the stack trace only in the debug log, except for internal errors. */
    private static int handle(Exception failure, CommandLine command, CommandLine.ParseResult parseResult) {
        Logger log = LoggerFactory.getLogger(Main.class);
        PrintWriter err = command.getErr();
        if (ExitCodes.isUserMistake(failure)) {
            err.println("error: " + failure.getMessage());
            log.debug("details of the error above", failure);
        } else {
            err.println("error: " + describe(failure));
            err.println("This is not a mistake in your input; run again with -v for details, and report it if it persists.");
            log.debug("internal error", failure);
        }
        err.flush();
        return ExitCodes.of(failure);
    }

    private static String describe(Throwable t) {
        String message = t.getMessage();
        return message == null || message.isBlank() ? t.getClass().getSimpleName() : message;
    }
}
