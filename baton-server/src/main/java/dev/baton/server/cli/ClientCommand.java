package dev.baton.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * The shape of a client subcommand ({@code baton runs ...}, {@code baton workflows ...}): the {@code --server} and
 * {@code --json} options, one call to the server's REST API, then its answer printed as JSON with {@code --json},
 * else as the subcommand's text. Errors of the call ({@link dev.baton.core.error.BatonException}) propagate to
 * {@link BatonCli}, which prints them and picks the exit code.
 *
 * <p>One instance per command line; not thread-safe.
 */
abstract class ClientCommand implements Callable<Integer> {
    final CliContext context;
    @Spec
    CommandSpec spec;
    @Mixin
    ServerOption server;

    ClientCommand(CliContext context) {
        this.context = context;
    }

    /** The client of the server named by {@code --server}, {@code BATON_SERVER} or the default. */
    final ApiClient client() {
        return server.client(context);
    }

    /** Makes the subcommand's call to the server (through {@link #client()}) and returns the server's answer. */
    abstract JsonNode request() throws Exception;

    /** Prints the server's answer for a person (without {@code --json}). */
    abstract void printText(JsonNode answer, PrintWriter out) throws Exception;

    @Override
    public final Integer call() throws Exception {
        JsonNode answer = request();
        PrintWriter out = spec.commandLine().getOut();
        if (server.json) {
            out.println(context.json().writeValueAsString(answer));
        } else {
            printText(answer, out);
        }
        out.flush();
        return BatonCli.OK;
    }
}
