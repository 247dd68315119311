package dev.baton.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code baton workflows list|register}: workflow definitions on a Baton server, through its REST API. */
@Command(name = "workflows", mixinStandardHelpOptions = true,
        description = "List or register workflows on a Baton server.",
        subcommands = {WorkflowsCommand.List.class, WorkflowsCommand.Register.class})
final class WorkflowsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: list or register");
    }

    /** {@code baton workflows list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List registered workflows.")
    static final class List implements Callable<Integer> {
        private final CliContext context;
        @Spec
        CommandSpec spec;
        @Mixin
        ServerOption server;

        List(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() throws Exception {
            JsonNode page = server.client(context).get("/workflows", Map.of());
            PrintWriter out = spec.commandLine().getOut();
            if (server.json) {
                out.println(context.json().writeValueAsString(page));
            } else {
                JsonNode items = page.has("items") ? page.get("items") : page;
                for (JsonNode workflow : items) {
                    out.printf("%-32s v%-4s %s%n", workflow.path("id").asText(), workflow.path("version").asText(),
                            workflow.path("description").asText(""));
                }
                if (items.isEmpty()) {
                    out.println("no workflows");
                }
            }
            out.flush();
            return BatonCli.OK;
        }
    }

    /** {@code baton workflows register FILE}. */
    @Command(name = "register", mixinStandardHelpOptions = true,
            description = "Register a workflow file (a new version when it changed).")
    static final class Register implements Callable<Integer> {
        private final CliContext context;
        @Spec
        CommandSpec spec;
        @Mixin
        ServerOption server;
        @Parameters(index = "0", paramLabel = "FILE", description = "The workflow file (YAML or JSON).")
        Path file;

        Register(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() throws Exception {
            WorkflowFile workflowFile = WorkflowFile.read(file);
            String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
            String contentType = name.endsWith(".json") ? "application/json" : "application/yaml";
            JsonNode stored = server.client(context).post("/workflows", workflowFile.source(), contentType);
            PrintWriter out = spec.commandLine().getOut();
            if (server.json) {
                out.println(context.json().writeValueAsString(stored));
            } else {
                out.println("registered workflow '" + stored.path("id").asText() + "' version "
                        + stored.path("version").asText());
            }
            out.flush();
            return BatonCli.OK;
        }
    }
}
