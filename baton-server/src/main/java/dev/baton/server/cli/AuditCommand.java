package dev.baton.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code baton audit}: a page of the audit log of the caller's tenant from a Baton server's {@code GET /api/v1/audit}
 * (an admin's key), newest first, as a table, or its JSON with {@code --json}. {@code --cursor} reads the next page.
 */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Show who did what, when and from where: the audit log of your tenant (admin only).")
final class AuditCommand extends ClientCommand {
    @Option(names = "--action", paramLabel = "ACTION", description = "An action (run.cancel) or a prefix (run, key).")
    String action;
    @Option(names = "--actor", paramLabel = "ACTOR", description = "Only this actor, e.g. key:01J..., jwt:alice.")
    String actor;
    @Option(names = "--since", paramLabel = "WHEN", description = "From this time on (inclusive): an ISO-8601 instant"
            + " or a duration before now such as 90m, 24h, 7d.")
    String since;
    @Option(names = "--until", paramLabel = "WHEN", description = "Before this time (exclusive).")
    String until;
    @Option(names = "--limit", paramLabel = "N", description = "At most N entries (1..1000, default 50).")
    Integer limit;
    @Option(names = "--cursor", paramLabel = "CURSOR", description = "The next page: the cursor the previous page"
            + " printed.")
    String cursor;

    AuditCommand(CliContext context) {
        super(context);
    }

    @Override
    JsonNode request() {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("action", action);
        query.put("actor", actor);
        query.put("since", since);
        query.put("until", until);
        query.put("limit", limit == null ? null : limit.toString());
        query.put("cursor", cursor);
        return client().get("/audit", query);
    }

    @Override
    void printText(JsonNode answer, PrintWriter out) {
        AnalyticsTable table = new AnalyticsTable("AT", "ACTOR", "ACTION", "TARGET", "OUTCOME", "STATUS", "FROM");
        for (JsonNode entry : answer.path("items")) {
            table.row(entry.path("at").asText(), entry.path("actor").asText(), entry.path("action").asText(),
                    text(entry.path("target")), entry.path("outcome").asText(),
                    entry.path("details").path("status").asText("-"), text(entry.path("remoteAddress")));
        }
        table.print(out, "no audit entries");
        JsonNode next = answer.path("nextCursor");
        if (next.isTextual()) {
            out.println("more: baton audit --cursor " + next.asText() + " (with the same filters)");
        }
    }

    private static String text(JsonNode value) {
        return value.isMissingNode() || value.isNull() ? "-" : value.asText();
    }
}
