package dev.baton.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

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
    static final class List extends ClientCommand {
        List(CliContext context) {
            super(context);
        }

        @Override
        JsonNode request() throws Exception {
            return client().get("/workflows", Map.of());
        }

        @Override
        void printText(JsonNode page, PrintWriter out) {
            JsonNode items = page.has("items") ? page.get("items") : page;
            for (JsonNode workflow : items) {
                out.printf("%-32s v%-4s %s%n", workflow.path("id").asText(), workflow.path("version").asText(),
                        workflow.path("description").asText(""));
            }
            if (items.isEmpty()) {
                out.println("no workflows");
            }
        }
    }

    /** {@code baton workflows register FILE}. */
    @Command(name = "register", mixinStandardHelpOptions = true,
            description = "Register a workflow file (a new version when it changed).")
    static final class Register extends ClientCommand {
        @Parameters(index = "0", paramLabel = "FILE", description = "The workflow file (YAML or JSON).")
        Path file;

        Register(CliContext context) {
            super(context);
        }

        @Override
        JsonNode request() throws Exception {
            WorkflowFile workflowFile = WorkflowFile.read(file);
            String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
            String contentType = name.endsWith(".json") ? "application/json" : "application/yaml";
            return client().post("/workflows", workflowFile.source(), contentType);
        }

        @Override
        void printText(JsonNode stored, PrintWriter out) {
            out.println("registered workflow '" + stored.path("id").asText() + "' version "
                    + stored.path("version").asText());
        }
    }
}
