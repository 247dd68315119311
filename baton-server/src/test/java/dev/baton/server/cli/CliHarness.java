package dev.baton.server.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.time.InstantSource;
import java.util.Map;

/** Runs the CLI in process with captured stdout and stderr. */
final class CliHarness {
    private final CliContext context;

    CliHarness(CliBackend backend) {
        this(backend, Map.of("BATON_PROGRESS", "lines"));
    }

    CliHarness(CliBackend backend, Map<String, String> env) {
        this.context = new CliContext(backend, new ObjectMapper(), env, InstantSource.system(), System::nanoTime);
    }

    /** A harness for the client commands only: any use of the local backend (validate, local node, server) fails. */
    static CliHarness clientOnly() {
        return new CliHarness(new CliBackend() {
            @Override
            public dev.baton.core.workflow.Workflow validate(String source, String sourceName) {
                throw new AssertionError("not used");
            }

            @Override
            public LocalNode openLocal(java.nio.file.Path dataDir) {
                throw new AssertionError("not used");
            }

            @Override
            public RunningServer startServer(String host, Integer port, java.nio.file.Path configFile) {
                throw new AssertionError("not used");
            }
        });
    }

    /** The outcome of one invocation. */
    record Result(int exitCode, String out, String err) {
    }

    Result run(String... args) {
        StringWriter out = new StringWriter();
        return run(out, args);
    }

    /** Runs with stdout going to {@code out} as it is written (for commands that keep running). */
    Result run(Writer out, String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = BatonCli.commandLine(context);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }
}
