package dev.baton.server.cli;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.error.FieldError;
import dev.baton.observability.LogSettings;
import dev.baton.server.logging.LogOutput;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.lang.reflect.Constructor;

/**
 * The {@code baton} command: {@code run}, {@code validate}, {@code server}, {@code runs}, {@code workflows}.
 *
 * <p>Exit codes: {@value #OK} success, {@value #RUN_FAILED} a run failed (or an operation failed for a reason
 * other than bad input), {@value #INVALID} invalid input or usage (unknown option, invalid workflow, unreadable
 * input file, unknown run).
 */
@Command(name = "baton", mixinStandardHelpOptions = true, versionProvider = BatonCli.Version.class,
        description = "Baton: a durable workflow engine for AI pipelines.",
        subcommands = {RunCommand.class, ValidateCommand.class, ServerCommand.class, RunsCommand.class,
                WorkflowsCommand.class, AnalyticsCommand.class, KeysCommand.class, AuditCommand.class,
                CommandLine.HelpCommand.class})
public final class BatonCli implements Runnable {
    /** Success. */
    public static final int OK = 0;
    /** A run failed, or the operation failed for a reason other than bad input. */
    public static final int RUN_FAILED = 1;
    /** Invalid input or usage. */
    public static final int INVALID = 2;

    private static final String LOGBACK_CONFIG = "logback.configurationFile";
    /** Warnings only, on stderr: stdout is for the command's output. */
    private static final String CLI_LOGGING = "dev/baton/server/cli/logback-cli.xml";

    @Spec
    CommandSpec spec;

    /** Runs the CLI as a process: the real composition root, System.out/err, and exits with the command's code. */
    public static void main(String[] args) {
        boolean server = args.length > 0 && "server".equals(args[0]);
        if (System.getProperty(LOGBACK_CONFIG) == null) {
            if (!server) {
                System.setProperty(LOGBACK_CONFIG, CLI_LOGGING);
            }
            // JSON for the server, text for the CLI, BATON_LOG_FORMAT/LEVEL on top; a logback.configurationFile
            // of the user's own is left alone
            try {
                LogOutput.start(server ? LogSettings.Mode.SERVER : LogSettings.Mode.CLI, System.getenv());
            } catch (BatonException e) {
                System.err.println("error: " + e.getMessage());
                System.exit(INVALID);
            }
        }
        int code = commandLine(CliContext.of(new NodeBackend())).execute(args);
        System.exit(code);
    }

    /**
     * A ready command line. Set its out/err writers to capture output; {@link CommandLine#execute} returns the
     * exit code.
     */
    public static CommandLine commandLine(CliContext context) {
        CommandLine cli = new CommandLine(new BatonCli(), new Factory(context));
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> report(ex, commandLine, context));
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        return cli;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "name a command: run, validate, server, runs, workflows or analytics (see baton --help)");
    }

    /** Prints an error a user can act on and chooses the exit code. */
    static int report(Exception ex, CommandLine commandLine, CliContext context) {
        PrintWriter err = commandLine.getErr();
        if (ex instanceof BatonException e) {
            err.println("error: " + e.getMessage());
            for (FieldError fieldError : e.errors()) {
                String line = fieldError.toString();
                if (!e.getMessage().contains(line)) {
                    err.println("  " + line);
                }
            }
            if (context.debug()) {
                e.printStackTrace(err);
            }
            err.flush();
            return exitCode(e.code());
        }
        err.println("error: " + ex);
        if (context.debug()) {
            ex.printStackTrace(err);
        } else {
            err.println("(set BATON_DEBUG=1 for the stack trace)");
        }
        err.flush();
        return RUN_FAILED;
    }

    /** Bad input (invalid, not found, too large) is {@value #INVALID}; anything else {@value #RUN_FAILED}. */
    static int exitCode(ErrorCode code) {
        return switch (code.kind()) {
            case INVALID, NOT_FOUND, TOO_LARGE -> INVALID;
            case UNAUTHENTICATED, FORBIDDEN, CONFLICT, RATE_LIMITED, TIMEOUT, UPSTREAM, UNAVAILABLE, INTERNAL -> RUN_FAILED;
        };
    }

    /** Creates commands, giving those that take one the {@link CliContext}. */
    private record Factory(CliContext context) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> cls) throws Exception {
            try {
                Constructor<K> constructor = cls.getDeclaredConstructor(CliContext.class);
                return constructor.newInstance(context);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(cls);
            }
        }
    }

    /** The version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = BatonCli.class.getPackage().getImplementationVersion();
            return new String[]{"baton " + (version == null ? "(development build)" : version),
                    "Java " + Runtime.version() + " (" + System.getProperty("java.vm.vendor", "?") + ")"};
        }
    }
}
