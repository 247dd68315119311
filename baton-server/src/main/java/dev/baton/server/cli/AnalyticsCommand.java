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
import java.util.Locale;
import java.util.Map;

import static dev.baton.server.cli.AnalyticsTable.millis;
import static dev.baton.server.cli.AnalyticsTable.percent;
import static dev.baton.server.cli.AnalyticsTable.topError;
import static dev.baton.server.cli.AnalyticsTable.usd;

/**
 * {@code baton analytics workflows|workflow ID|models|keys}: figures from a Baton server's analytics API
 * ({@code /api/v1/analytics/...}) as tables, or its JSON with {@code --json}.
 */
@Command(name = "analytics", mixinStandardHelpOptions = true,
        description = "Show run, step, model and key figures from a Baton server over a time window.",
        subcommands = {AnalyticsCommand.Workflows.class, AnalyticsCommand.Workflow.class,
                AnalyticsCommand.Models.class, AnalyticsCommand.Keys.class})
final class AnalyticsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "name a subcommand: workflows, workflow, models or keys");
    }

    /** The window options every subcommand shares. */
    abstract static class WindowCommand extends ClientCommand {
        @Option(names = "--from", paramLabel = "WHEN", description = "Start of the window: an ISO-8601 instant or a "
                + "duration before now such as 90m, 24h, 7d (default: 24h before --to).")
        String from;
        @Option(names = "--to", paramLabel = "WHEN", description = "End of the window (default: now).")
        String to;

        WindowCommand(CliContext context) {
            super(context);
        }

        Map<String, String> window() {
            Map<String, String> query = new LinkedHashMap<>();
            query.put("from", from);
            query.put("to", to);
            return query;
        }

        static void printWindow(JsonNode answer, PrintWriter out) {
            out.println("window " + answer.path("from").asText() + " .. " + answer.path("to").asText());
        }
    }

    /** {@code baton analytics workflows}. */
    @Command(name = "workflows", mixinStandardHelpOptions = true,
            description = "Runs per workflow: status counts, success rate, duration percentiles, retries, cost.")
    static final class Workflows extends WindowCommand {
        Workflows(CliContext context) {
            super(context);
        }

        @Override
        JsonNode request() throws Exception {
            return client().get("/analytics/workflows", window());
        }

        @Override
        void printText(JsonNode answer, PrintWriter out) {
            printWindow(answer, out);
            AnalyticsTable table = new AnalyticsTable("WORKFLOW", "RUNS", "OK", "FAILED", "SUCCESS", "P50 MS",
                    "P95 MS", "P99 MS", "RETRIES", "TOP ERROR", "COST USD");
            for (JsonNode w : answer.path("items")) {
                JsonNode status = w.path("byStatus");
                table.row(w.path("workflowId").asText(), w.path("runs").asText(), status.path("succeeded").asText(),
                        Long.toString(status.path("failed").asLong() + status.path("timed_out").asLong()),
                        percent(w.path("successRate")), millis(w.path("durationMs"), "p50"),
                        millis(w.path("durationMs"), "p95"),
                        millis(w.path("durationMs"), "p99"), w.path("retries").asText(),
                        topError(w.path("topErrors")), usd(w.path("usage")));
            }
            table.print(out, "no runs in the window");
        }
    }

    /** {@code baton analytics workflow ID}. */
    @Command(name = "workflow", mixinStandardHelpOptions = true,
            description = "One workflow's runs and its steps: attempts, failures, retries, timeouts, durations.")
    static final class Workflow extends WindowCommand {
        @Parameters(index = "0", paramLabel = "WORKFLOW_ID")
        String workflowId;

        Workflow(CliContext context) {
            super(context);
        }

        @Override
        JsonNode request() throws Exception {
            return client().get("/analytics/workflows/" + ApiClient.encode(workflowId), window());
        }

        @Override
        void printText(JsonNode w, PrintWriter out) {
            printWindow(w, out);
            out.printf(Locale.ROOT, "workflow %s: %d runs, success %s, p50 %s ms, p95 %s ms, p99 %s ms, %d retries,"
                            + " %d gateway calls, %s USD%n", w.path("workflowId").asText(), w.path("runs").asLong(),
                    percent(w.path("successRate")), millis(w.path("durationMs"), "p50"),
                    millis(w.path("durationMs"), "p95"), millis(w.path("durationMs"), "p99"),
                    w.path("retries").asLong(), w.path("usage").path("calls").asLong(), usd(w.path("usage")));
            for (JsonNode error : w.path("topErrors")) {
                out.printf(Locale.ROOT, "  error %s x%d (e.g. run %s)%n", error.path("code").asText(),
                        error.path("count").asLong(), error.path("exampleRunId").asText());
            }
            AnalyticsTable table = new AnalyticsTable("STEP", "ATTEMPTS", "OK", "FAILED", "TIMEOUTS", "RETRIES",
                    "P50 MS", "P95 MS", "P99 MS", "TOP ERROR", "TOKENS", "COST USD");
            for (JsonNode s : w.path("steps")) {
                table.row(s.path("stepId").asText(), s.path("attempts").asText(),
                        s.path("byStatus").path("succeeded").asText(), s.path("failures").asText(),
                        s.path("timeouts").asText(), s.path("retries").asText(),
                        millis(s.path("durationMs"), "p50"), millis(s.path("durationMs"), "p95"),
                        millis(s.path("durationMs"), "p99"), topError(s.path("topErrors")),
                        s.path("usage").path("totalTokens").asText(), usd(s.path("usage")));
            }
            table.print(out, "no step attempts in the window");
        }
    }

    /** {@code baton analytics models}. */
    @Command(name = "models", mixinStandardHelpOptions = true,
            description = "Gateway calls per model alias or deployment: error rate, latency, tokens, cost.")
    static final class Models extends WindowCommand {
        @Option(names = "--group-by", paramLabel = "model|deployment", defaultValue = "model",
                description = "Group by model alias or deployment (default ${DEFAULT-VALUE}).")
        String groupBy;

        Models(CliContext context) {
            super(context);
        }

        @Override
        JsonNode request() throws Exception {
            Map<String, String> query = window();
            query.put("groupBy", groupBy);
            return client().get("/analytics/models", query);
        }

        @Override
        void printText(JsonNode answer, PrintWriter out) {
            printWindow(answer, out);
            AnalyticsTable table = new AnalyticsTable(answer.path("groupBy").asText("model").toUpperCase(Locale.ROOT),
                    "CALLS", "ERRORS", "ERROR %", "P50 MS", "P95 MS", "P99 MS", "TOKENS", "COST USD");
            for (JsonNode m : answer.path("items")) {
                table.row(m.path("key").asText(), m.path("calls").asText(), m.path("errors").asText(),
                        percent(m.path("errorRate")), millis(m.path("latencyMs"), "p50"),
                        millis(m.path("latencyMs"), "p95"), millis(m.path("latencyMs"), "p99"),
                        m.path("totalTokens").asText(), usd(m));
            }
            table.print(out, "no gateway calls in the window");
        }
    }

    /** {@code baton analytics keys}. */
    @Command(name = "keys", mixinStandardHelpOptions = true,
            description = "Gateway calls, tokens and cost per API key, and the tenant's runs.")
    static final class Keys extends WindowCommand {
        Keys(CliContext context) {
            super(context);
        }

        @Override
        JsonNode request() throws Exception {
            return client().get("/analytics/keys", window());
        }

        @Override
        void printText(JsonNode answer, PrintWriter out) {
            printWindow(answer, out);
            AnalyticsTable table = new AnalyticsTable("KEY", "CALLS", "ERRORS", "INPUT TOKENS", "OUTPUT TOKENS",
                    "COST USD");
            for (JsonNode k : answer.path("items")) {
                table.row(k.path("key").asText(), k.path("calls").asText(), k.path("errors").asText(),
                        k.path("inputTokens").asText(), k.path("outputTokens").asText(), usd(k));
            }
            table.print(out, "no gateway calls in the window");
            JsonNode runs = answer.path("runs");
            StringBuilder line = new StringBuilder("runs of tenant " + runs.path("tenantId").asText() + ": "
                    + runs.path("runs").asLong());
            runs.path("byStatus").properties().forEach(e -> {
                if (e.getValue().asLong() > 0) {
                    line.append(", ").append(e.getKey()).append(' ').append(e.getValue().asLong());
                }
            });
            out.println(line);
        }
    }
}
