package dev.baton.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code baton runs list|get|cancel|retry}: runs on a Baton server, through its REST API. */
@Command(name = "runs", mixinStandardHelpOptions = true,
        description = "List, show, cancel or retry runs on a Baton server.",
        subcommands = {RunsCommand.List.class, RunsCommand.Get.class, RunsCommand.Cancel.class,
                RunsCommand.Retry.class})
final class RunsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: list, get, cancel or retry");
    }

    /** {@code baton runs list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List runs, newest first.")
    static final class List extends ClientCommand {
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
            super(context);
        }

        @Override
        JsonNode request() throws Exception {
            Map<String, String> query = new LinkedHashMap<>();
            query.put("workflow", workflow);
            query.put("status", status);
            query.put("limit", Integer.toString(limit));
            query.put("cursor", cursor);
            return client().get("/runs", query);
        }

        @Override
        void printText(JsonNode page, PrintWriter out) {
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
    }

    /** {@code baton runs get ID}. */
    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show a run with its steps and attempts.")
    static final class Get extends ClientCommand {
        @Parameters(index = "0", paramLabel = "RUN_ID")
        String runId;

        Get(CliContext context) {
            super(context);
        }

        @Override
        JsonNode request() throws Exception {
            return client().get("/runs/" + ApiClient.encode(runId), Map.of());
        }

        @Override
        void printText(JsonNode run, PrintWriter out) throws Exception {
            out.println(context.json().writerWithDefaultPrettyPrinter().writeValueAsString(run));
        }
    }

    /** {@code baton runs cancel ID}. */
    @Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel a run.")
    static final class Cancel extends ClientCommand {
        @Parameters(index = "0", paramLabel = "RUN_ID")
        String runId;
        @Option(names = "--reason", description = "Why; recorded on the run.")
        String reason;

        Cancel(CliContext context) {
            super(context);
        }

        @Override
        JsonNode request() throws Exception {
            String body = context.json().writeValueAsString(
                    context.json().createObjectNode().put("reason", reason == null ? "cancelled from the CLI" : reason));
            return client().post("/runs/" + ApiClient.encode(runId) + "/cancel", body, "application/json");
        }

        @Override
        void printText(JsonNode run, PrintWriter out) {
            out.println("run " + runId + ": " + run.path("status").asText("cancel requested"));
        }
    }

    /** {@code baton runs retry ID}: a new run of a finished run's workflow version, inputs and priority. */
    @Command(name = "retry", mixinStandardHelpOptions = true,
            description = "Retry a finished run: start a new run of the same workflow version with the same inputs.")
    static final class Retry extends ClientCommand {
        @Parameters(index = "0", paramLabel = "RUN_ID")
        String runId;

        Retry(CliContext context) {
            super(context);
        }

        @Override
        JsonNode request() throws Exception {
            return client().post("/runs/" + ApiClient.encode(runId) + "/retry", "{}", "application/json");
        }

        @Override
        void printText(JsonNode run, PrintWriter out) {
            out.println("run " + runId + " retried as run " + run.path("id").asText() + ": "
                    + run.path("status").asText());
        }
    }

    static String text(JsonNode node, String name, String alternative) {
        return node.has(name) ? node.get(name).asText() : node.path(alternative).asText();
    }
}
