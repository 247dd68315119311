package dev.baton.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.core.error.BatonException;
import dev.baton.core.security.ApiKey;
import dev.baton.core.security.Quotas;
import dev.baton.core.security.Role;
import dev.baton.core.store.Page;
import dev.baton.core.workflow.DurationFormat;
import dev.baton.server.security.ApiKeyIssuer;
import dev.baton.server.security.ApiKeyView;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code baton keys create|list|revoke}: API keys, through a server's keys API ({@code --server}, {@code --api-key}
 * of an admin) or, with {@code --local}, directly in the configured store: how the first admin key is made, before
 * anyone can authenticate.
 */
@Command(name = "keys", mixinStandardHelpOptions = true,
        description = "Create, list or revoke API keys (on a server, or --local in the configured store).",
        subcommands = {KeysCommand.Create.class, KeysCommand.List.class, KeysCommand.Revoke.class})
final class KeysCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: create, list or revoke");
    }

    /** What every keys subcommand adds to the client options: {@code --local}, {@code --config}, {@code --tenant}. */
    abstract static class KeysSubcommand extends ClientCommand {
        @Option(names = "--local", description = "Use the configured store directly instead of a server (no "
                + "authentication; needs access to the store; an embedded H2 file only while no server holds it).")
        boolean local;

        @Option(names = "--config", paramLabel = "FILE",
                description = "With --local: the configuration file (default: ./baton.yaml when present).")
        Path config;

        @Option(names = "--tenant", paramLabel = "TENANT", description = "The tenant (default: the caller's; "
                + "with --local the system tenant). Another tenant needs an admin of the system tenant.")
        String tenant;

        KeysSubcommand(CliContext context) {
            super(context);
        }

        @Override
        final JsonNode request() {
            if (!local) {
                return remote(client());
            }
            try (CliBackend.LocalKeys keys = context.backend().openKeys(config)) {
                return local(keys, tenant == null ? keys.systemTenant() : tenant);
            }
        }

        abstract JsonNode remote(ApiClient client);

        abstract JsonNode local(CliBackend.LocalKeys keys, String tenantId);

        Map<String, String> tenantQuery() {
            Map<String, String> query = new LinkedHashMap<>();
            if (tenant != null) {
                query.put("tenant", tenant);
            }
            return query;
        }

        ObjectNode view(ApiKey key) {
            return ApiKeyView.of(key, context.clock().instant(), context.json());
        }
    }

    /** {@code baton keys create --name NAME --role ROLE [--expires-in 30d]}. */
    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create an API key; its secret is printed once.")
    static final class Create extends KeysSubcommand {
        @Option(names = "--name", required = true, description = "A label, e.g. ci or billing-service.")
        String name;

        @Option(names = "--role", required = true, paramLabel = "ROLE", split = ",",
                description = "admin, operator, developer or viewer (repeat or separate with commas).")
        java.util.List<String> roles;

        @Option(names = "--expires-in", paramLabel = "DURATION",
                description = "Stops working after this long, e.g. 30d or 12h (default: never).")
        String expiresIn;

        @Option(names = "--expires-at", paramLabel = "TIME",
                description = "Stops working at this time, e.g. 2026-12-31T00:00:00Z.")
        String expiresAt;

        Create(CliContext context) {
            super(context);
        }

        private Instant expiry() {
            if (expiresIn != null && expiresAt != null) {
                throw BatonException.invalidInput("--expires-in", "give --expires-in or --expires-at, not both");
            }
            if (expiresIn != null) {
                Duration after;
                try {
                    after = DurationFormat.parse(expiresIn);
                } catch (IllegalArgumentException e) {
                    throw BatonException.invalidInput("--expires-in", e.getMessage());
                }
                return context.clock().instant().plus(after);
            }
            if (expiresAt != null) {
                try {
                    return Instant.parse(expiresAt);
                } catch (DateTimeParseException e) {
                    throw BatonException.invalidInput("--expires-at", "expected a time like 2026-12-31T00:00:00Z, "
                            + "got '" + expiresAt + "'");
                }
            }
            return null;
        }

        @Override
        JsonNode remote(ApiClient client) {
            ObjectNode body = context.json().createObjectNode();
            body.put("name", name);
            ArrayNode list = body.putArray("roles");
            roles.forEach(list::add);
            Instant expiry = expiry();
            if (expiry != null) {
                body.put("expiresAt", expiry.toString());
            }
            if (tenant != null) {
                body.put("tenant", tenant);
            }
            return client.post("/keys", body.toString(), "application/json");
        }

        @Override
        JsonNode local(CliBackend.LocalKeys keys, String tenantId) {
            Set<Role> parsed = EnumSet.noneOf(Role.class);
            for (int i = 0; i < roles.size(); i++) {
                parsed.add(Role.parse("--role", roles.get(i)));
            }
            ApiKeyIssuer.Issued issued = new ApiKeyIssuer(keys.keys(), context.clock(), new SecureRandom())
                    .issue(tenantId, name, parsed, expiry(), Quotas.NONE, "cli:local");
            ObjectNode answer = view(issued.key());
            answer.put("key", issued.token().reveal());
            return answer;
        }

        @Override
        void printText(JsonNode key, PrintWriter out) {
            out.printf("created API key %s (%s) in tenant %s, roles %s%s%n", key.path("id").asText(),
                    key.path("prefix").asText(), key.path("tenant").asText(), roles(key),
                    key.path("expiresAt").isTextual() ? ", expires " + key.path("expiresAt").asText() : "");
            out.println(key.path("key").asText());
            out.println("Store it now: it is not shown again. Send it as 'Authorization: Bearer <key>'.");
        }
    }

    /** {@code baton keys list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List API keys, newest first.")
    static final class List extends KeysSubcommand {
        @Option(names = "--limit", description = "At most this many (1..1000, default 100).")
        int limit = 100;

        List(CliContext context) {
            super(context);
        }

        @Override
        JsonNode remote(ApiClient client) {
            Map<String, String> query = tenantQuery();
            query.put("limit", Integer.toString(limit));
            return client.get("/keys", query);
        }

        @Override
        JsonNode local(CliBackend.LocalKeys keys, String tenantId) {
            Page<ApiKey> page = keys.keys().list(tenantId, null, limit);
            ObjectNode answer = context.json().createObjectNode();
            ArrayNode items = answer.putArray("items");
            page.items().forEach(key -> items.add(view(key)));
            answer.put("nextCursor", page.nextCursor());
            return answer;
        }

        @Override
        void printText(JsonNode page, PrintWriter out) {
            JsonNode items = page.path("items");
            for (JsonNode key : items) {
                String state = key.path("revokedAt").isTextual() ? "revoked"
                        : key.path("active").asBoolean() ? "active" : "expired";
                out.printf("%-22s %-12s %-8s %-24s %-20s last used %s%n", key.path("id").asText(),
                        key.path("prefix").asText(), state, roles(key), key.path("name").asText(),
                        key.path("lastUsedAt").isTextual() ? key.path("lastUsedAt").asText() : "never");
            }
            if (items.isEmpty()) {
                out.println("no API keys");
            }
        }
    }

    /** {@code baton keys revoke ID}. */
    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revoke an API key: it stops working at once.")
    static final class Revoke extends KeysSubcommand {
        @Parameters(index = "0", paramLabel = "ID", description = "The key's id (see baton keys list).")
        String id;

        Revoke(CliContext context) {
            super(context);
        }

        @Override
        JsonNode remote(ApiClient client) {
            return client.delete("/keys/" + ApiClient.encode(id), tenantQuery());
        }

        @Override
        JsonNode local(CliBackend.LocalKeys keys, String tenantId) {
            return view(keys.keys().revoke(tenantId, id, context.clock().instant())
                    .orElseThrow(() -> BatonException.notFound("API key", id)));
        }

        @Override
        void printText(JsonNode key, PrintWriter out) {
            out.println("revoked API key " + key.path("id").asText() + " (" + key.path("prefix").asText() + ") at "
                    + key.path("revokedAt").asText());
        }
    }

    private static String roles(JsonNode key) {
        java.util.List<String> names = new java.util.ArrayList<>();
        key.path("roles").forEach(role -> names.add(role.asText()));
        return String.join(",", names);
    }
}
