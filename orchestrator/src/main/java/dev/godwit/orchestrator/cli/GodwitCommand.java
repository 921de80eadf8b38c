package dev.godwit.orchestrator.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "godwit",
        mixinStandardHelpOptions = true,
        versionProvider = GodwitCommand.Version.class,
        description = "Moves a live PostgreSQL database to another PostgreSQL server: full load under a replication slot's snapshot, then change data capture, validation and cutover. Every command takes a task file.",
        subcommands = {
                PlanCommand.class,
                PreflightCommand.class,
                StartCommand.class,
                ResumeCommand.class,
                WorkerCommand.class,
                StopCommand.class,
                StatusCommand.class,
                ValidateCommand.class,
                CutoverCommand.class,
                FallbackCommand.class,
                ReloadCommand.class,
                RepairCommand.class,
                CleanupCommand.class,
                CommandLine.HelpCommand.class},
        footer = "%nExit codes: 0 success, 1 the run failed, 2 bad command line or task file, 3 preflight blockers, "
                + "4 validation differences, 5 cannot connect, log in, or missing privilege, 6 the replication slot is "
                + "lost (load the target again). See docs/cli.md.")
public final class GodwitCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "More log detail: -v for godwit's debug lines, -vv for every library's too.")
    boolean[] verbose = new boolean[0];

    @Option(names = "--log-format", scope = ScopeType.INHERIT, paramLabel = "text|json", defaultValue = "text",
            description = "Log lines on stderr as readable text (default) or as JSON objects, one per line, for log collectors.")
    Logging.Format logFormat = Logging.Format.text;

    int verbosity() {
        return verbose.length;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.BAD_INPUT;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = GodwitCommand.class.getPackage().getImplementationVersion();
            return new String[]{"godwit " + (v == null ? "(development build)" : v),
                    "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
        }
    }
}
