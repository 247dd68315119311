package dev.baton.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code baton runs list|get|cancel}: runs on a Baton server, through its REST API. */
@Command(name = "runs", mixinStandardHelpOptions = true, description = "List, show or cancel runs on a Baton server.",
        subcommands = {RunsCommand.List.class, RunsCommand.Get.class, RunsCommand.Cancel.class})
final class RunsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: list, get or cancel");
    }

    /** {@code baton runs list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List runs, newest first.")
    static final class List implements Callable<Integer> {
        private final CliContext context;
        @Spec
        CommandSpec spec;
        @Mixin
        ServerOption server;
        @Option(names = {"-w", "--workflow"}, description = "Only runs of this workflow.")
        String workflow;
        @Option(names = "--status", description = "Only runs in this status: queued, running, succeeded, failed, "
                + "cancelled, timed_out.")
        String status;
        @Option(names = "--limit", defaultValue = "20", description = "At most this many (default ${DEFAULT-VALUE}).")
        int limit;
        @Option(names = "--cursor", description = "Continue after a previous page (its nextCursor).")
        String cursor;

        List(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() throws Exception {
            Map<String, String> query = new LinkedHashMap<>();
            query.put("workflow", workflow);
            query.put("status", status);
            query.put("limit", Integer.toString(limit));
            query.put("cursor", cursor);
            JsonNode page = server.client(context).get("/runs", query);
            PrintWriter out = spec.commandLine().getOut();
            if (server.json) {
                out.println(context.json().writeValueAsString(page));
            } else {
                JsonNode items = page.has("items") ? page.get("items") : page;
                for (JsonNode run : items) {
                    out.printf("%-36s  %-24s  %-10s  %s%n", run.path("id").asText(),
                            text(run, "workflowId", "workflow") + " v" + text(run, "workflowVersion", "version"),
                            run.path("status").asText(), run.path("createdAt").asText());
                }
                if (items.isEmpty()) {
                    out.println("no runs");
                }
                String next = page.path("nextCursor").asText("");
                if (!next.isEmpty() && !"null".equals(next)) {
                    out.println("more: --cursor " + next);
                }
            }
            out.flush();
            return BatonCli.OK;
        }
    }

    /** {@code baton runs get ID}. */
    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show a run with its steps and attempts.")
    static final class Get implements Callable<Integer> {
        private final CliContext context;
        @Spec
        CommandSpec spec;
        @Mixin
        ServerOption server;
        @Parameters(index = "0", paramLabel = "RUN_ID")
        String runId;

        Get(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() throws Exception {
            JsonNode run = server.client(context).get("/runs/" + ApiClient.encode(runId), Map.of());
            PrintWriter out = spec.commandLine().getOut();
            out.println(server.json ? context.json().writeValueAsString(run)
                    : context.json().writerWithDefaultPrettyPrinter().writeValueAsString(run));
            out.flush();
            return BatonCli.OK;
        }
    }

    /** {@code baton runs cancel ID}. */
    @Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel a run.")
    static final class Cancel implements Callable<Integer> {
        private final CliContext context;
        @Spec
        CommandSpec spec;
        @Mixin
        ServerOption server;
        @Parameters(index = "0", paramLabel = "RUN_ID")
        String runId;
        @Option(names = "--reason", description = "Why; recorded on the run.")
        String reason;

        Cancel(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() throws Exception {
            String body = context.json().writeValueAsString(
                    context.json().createObjectNode().put("reason", reason == null ? "cancelled from the CLI" : reason));
            JsonNode run = server.client(context).post("/runs/" + ApiClient.encode(runId) + "/cancel", body,
                    "application/json");
            PrintWriter out = spec.commandLine().getOut();
            if (server.json) {
                out.println(context.json().writeValueAsString(run));
            } else {
                out.println("run " + runId + ": " + run.path("status").asText("cancel requested"));
            }
            out.flush();
            return BatonCli.OK;
        }
    }

    static String text(JsonNode node, String name, String alternative) {
        return node.has(name) ? node.get(name).asText() : node.path(alternative).asText();
    }
}
