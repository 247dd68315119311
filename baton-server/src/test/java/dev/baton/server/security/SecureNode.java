package dev.baton.server.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.core.security.Quotas;
import dev.baton.core.security.Role;
import dev.baton.server.BatonConfig;
import dev.baton.server.BatonNode;
import dev.baton.server.BatonServer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A real node (in memory, no embedding model) with authentication on, served on 127.0.0.1 (port 0), and a small
 * HTTP client for it: the fixture for tests of who may do what. {@link #key} issues a working API key for any
 * tenant and roles; the request methods send it as {@code Authorization: Bearer} (or nothing when the key is
 * {@code null}).
 *
 * <pre>{@code
 * try (SecureNode node = new SecureNode()) {
 *     String viewer = node.key("acme", Role.VIEWER);
 *     SecureNode.Response listed = node.get("/api/v1/workflows", viewer);
 *     assertThat(listed.status()).isEqualTo(200);
 * }
 * }</pre>
 *
 * <p>Thread-safe (the HTTP client is). Used by the tests of authentication, tenancy, quotas and audit: keep its
 * API stable.
 */
public final class SecureNode implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * An HTTP answer.
     *
     * @param status  the status code
     * @param body    the body as text
     * @param headers the response headers
     */
    public record Response(int status, String body, HttpHeaders headers) {
        /** The body parsed as JSON. */
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }

        /** The first value of header {@code name}, or {@code null}. */
        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    private final BatonNode node;
    private final BatonServer server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** A node with authentication on (stored API keys only) and everything else at its test defaults. */
    public SecureNode() {
        this(UnaryOperator.identity());
    }

    /**
     * A node whose configuration {@code customize} adjusts: it receives the in-memory test configuration with
     * authentication on and returns the one to open (keep {@code security.auth.enabled} on).
     */
    public SecureNode(UnaryOperator<BatonConfig> customize) {
        BatonConfig base = BatonConfig.inMemory().withAi(BatonConfig.Ai.DISABLED)
                .withServer(new BatonConfig.Server("127.0.0.1", 0, BatonConfig.Server.DEFAULT.maxRequestSize(),
                        Duration.ofMinutes(1)));
        base = base.withSecurity(new SecurityConfig(base.security().systemTenant(), AuthSettings.API_KEYS,
                base.security().quotas(), base.security().egress(), base.security().secrets()));
        BatonConfig config = customize.apply(base);
        node = BatonNode.open(config);
        try {
            server = BatonServer.start(node, "127.0.0.1", 0);
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
    }

    /** The node. */
    public BatonNode node() {
        return node;
    }

    /** The server. */
    public BatonServer server() {
        return server;
    }

    /** The server's base URL, e.g. {@code http://127.0.0.1:41234/}. */
    public URI url() {
        return server.url();
    }

    /**
     * Issues an API key (no expiry, no quotas of its own) in {@code tenant} with {@code roles}.
     *
     * @return the whole secret token, for {@code Authorization: Bearer}
     */
    public String key(String tenant, Role... roles) {
        return key(tenant, Quotas.NONE, roles);
    }

    /** As {@link #key(String, Role...)}, with the key's own quotas. */
    public String key(String tenant, Quotas quotas, Role... roles) {
        EnumSet<Role> set = roles.length == 0 ? EnumSet.noneOf(Role.class) : EnumSet.copyOf(List.of(roles));
        return new ApiKeyIssuer(node.apiKeys()).issue(tenant, "test " + String.join(",",
                set.stream().map(Role::id).toList()), set, null, quotas, "test").token().reveal();
    }

    /** {@code GET path} with {@code key} ({@code null}: no credentials). */
    public Response get(String path, String key) {
        return send("GET", path, key, null, Map.of());
    }

    /** {@code POST path} with a JSON body ({@code null}: none). */
    public Response post(String path, String key, String json) {
        return send("POST", path, key, json, Map.of());
    }

    /** {@code PUT path} with a JSON body. */
    public Response put(String path, String key, String json) {
        return send("PUT", path, key, json, Map.of());
    }

    /** {@code DELETE path}. */
    public Response delete(String path, String key) {
        return send("DELETE", path, key, null, Map.of());
    }

    /**
     * Any request.
     *
     * @param path    from the server's root, e.g. {@code /api/v1/runs} or {@code /v1/models}
     * @param key     sent as {@code Authorization: Bearer}, or {@code null} for none
     * @param body    sent as {@code application/json} (or as {@code Content-Type} from {@code headers}), or
     *                {@code null}
     * @param headers extra headers (override nothing set above except {@code Content-Type})
     */
    public Response send(String method, String path, String key, String body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.url().resolve(path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        if (body != null && !headers.containsKey("Content-Type")) {
            request.header("Content-Type", "application/json");
        }
        headers.forEach(request::header);
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body(), response.headers());
        } catch (IOException e) {
            throw new AssertionError(method + " " + path + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(method + " " + path + " interrupted", e);
        }
    }

    @Override
    public void close() {
        server.close();
        node.close();
    }
}
