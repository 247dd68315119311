package dev.baton.server.security;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.security.AuditEntry;
import dev.baton.core.security.AuditLog;
import dev.baton.core.security.AuditQuery;
import dev.baton.core.security.InMemoryAuditLog;
import dev.baton.core.security.Permission;
import dev.baton.core.security.Principal;
import dev.baton.core.security.Role;
import dev.baton.core.store.Page;
import dev.baton.server.api.Problems;
import io.javalin.Javalin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The trail on a small Javalin app over real HTTP, with a stand-in authenticator that trusts an {@code X-Role}
 * header (the real one is tested with real keys elsewhere): refused logins and refused permissions are recorded
 * with what was presented, a handler's target wins, and a store that fails never costs the response.
 */
class AuditTrailTest {
    private static final Instant NOW = Instant.parse("2026-05-01T12:00:00Z");
    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicInteger failures = new AtomicInteger();
    private Javalin app;

    private AuditTrail trail(AuditLog log) {
        return new AuditTrail(log, "system", InstantSource.fixed(NOW), failures::incrementAndGet);
    }

    /** An app whose guard authenticates {@code X-Role: <role>} as {@code key:<role>} of tenant {@code acme}. */
    private URI start(AuditTrail trail) {
        app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.routes.beforeMatched(ctx -> {
                Access access = Access.of(ctx);
                if (access.isPublic()) {
                    return;
                }
                String role = ctx.header("X-Role");
                if (role == null) {
                    String presented = ctx.header("X-Key-Prefix");
                    if (presented != null) {
                        ctx.attribute(AuditTrail.ACTOR, "key-prefix:" + presented);
                        ctx.attribute(AuditTrail.TENANT, ctx.header("X-Key-Tenant"));
                    }
                    throw new BatonException(ErrorCode.UNAUTHENTICATED, "no valid credentials");
                }
                Principal principal = new Principal("acme", "key:" + role, role, Set.of(Role.valueOf(role)),
                        Principal.AuthMethod.API_KEY);
                RequestPrincipal.set(ctx, principal);
                if (!principal.can(access.permission())) {
                    throw new BatonException(ErrorCode.FORBIDDEN, "needs " + access.permission());
                }
            });
            config.routes.after(trail::record);
            config.routes.exception(BatonException.class, (e, ctx) ->
                    ctx.status(Problems.status(e.code().kind())).result(e.code().code()));
            config.routes.post("/api/v1/workflows", ctx -> ctx.status(201)
                    .header("Location", "/api/v1/workflows/wf-1").result("{\"id\": \"wf-1\"}"),
                    Access.of(Permission.WORKFLOW_WRITE));
            config.routes.post("/api/v1/runs/{id}/cancel", ctx -> ctx.status(200).result("{}"),
                    Access.of(Permission.RUN_OPERATE));
            config.routes.get("/api/v1/runs", ctx -> ctx.status(200).result("[]"), Access.of(Permission.RUN_READ));
            config.routes.post("/api/v1/keys", ctx -> {
                ctx.attribute(AuditTrail.TARGET, "key/k-9");
                ctx.status(201).result("{\"id\": \"k-9\"}");
            }, Access.of(Permission.KEY_MANAGE));
            config.routes.get("/health", ctx -> ctx.result("ok"), Access.PUBLIC);
        }).start("127.0.0.1", 0);
        return URI.create("http://127.0.0.1:" + app.port());
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.stop();
        }
    }

    private HttpResponse<String> send(URI base, String method, String path, Map<String, String> headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve(path))
                .method(method, HttpRequest.BodyPublishers.ofString(method.equals("GET") ? "" : "{}"));
        headers.forEach(builder::header);
        try {
            return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static List<AuditEntry> entries(AuditLog log, String tenant) {
        return log.query(new AuditQuery(tenant, null, null, null, null, null, 100)).items();
    }

    @Test
    void a_role_without_the_permission_is_recorded_as_access_denied_with_the_attempted_action() {
        InMemoryAuditLog log = new InMemoryAuditLog();
        URI base = start(trail(log));

        var response = send(base, "POST", "/api/v1/runs/r-1/cancel",
                Map.of("X-Role", "VIEWER", "User-Agent", "probe/2", "X-Forwarded-For", "198.51.100.7"));

        assertThat(response.statusCode()).isEqualTo(403);
        AuditEntry entry = entries(log, "acme").getFirst();
        assertThat(entry.action()).isEqualTo("access.denied");
        assertThat(entry.outcome()).isEqualTo("denied");
        assertThat(entry.actor()).isEqualTo("key:VIEWER");
        assertThat(entry.tenantId()).isEqualTo("acme");
        assertThat(entry.target()).isEqualTo("run/r-1");
        assertThat(entry.at()).isEqualTo(NOW);
        assertThat(entry.remoteAddress()).isEqualTo("127.0.0.1");
        assertThat(entry.userAgent()).isEqualTo("probe/2");
        assertThat(entry.details()).containsEntry("status", "403").containsEntry("method", "POST")
                .containsEntry("path", "/api/v1/runs/r-1/cancel").containsEntry("attempted", "run.cancel")
                .containsEntry("forwardedFor", "198.51.100.7");
    }

    @Test
    void a_refused_read_is_recorded_too_but_an_allowed_read_is_not() {
        InMemoryAuditLog log = new InMemoryAuditLog();
        URI base = start(trail(log));

        assertThat(send(base, "GET", "/api/v1/runs", Map.of("X-Role", "VIEWER")).statusCode()).isEqualTo(200);
        assertThat(send(base, "POST", "/api/v1/keys", Map.of("X-Role", "OPERATOR")).statusCode()).isEqualTo(403);
        assertThat(send(base, "GET", "/health", Map.of()).statusCode()).isEqualTo(200);

        assertThat(entries(log, "acme")).singleElement().satisfies(entry -> {
            assertThat(entry.action()).isEqualTo("access.denied");
            assertThat(entry.target()).isNull();
            assertThat(entry.details()).containsEntry("attempted", "key.create");
        });
        assertThat(entries(log, "system")).isEmpty();
    }

    @Test
    void a_failed_login_is_recorded_with_what_was_presented_in_the_system_tenant() {
        InMemoryAuditLog log = new InMemoryAuditLog();
        URI base = start(trail(log));

        assertThat(send(base, "GET", "/api/v1/runs", Map.of("X-Key-Prefix", "bt_Ab3dE9xQ")).statusCode())
                .isEqualTo(401);
        assertThat(send(base, "POST", "/api/v1/workflows", Map.of()).statusCode()).isEqualTo(401);

        assertThat(entries(log, "system")).extracting(AuditEntry::action, AuditEntry::actor, AuditEntry::outcome,
                AuditEntry::target).containsExactly(
                org.assertj.core.groups.Tuple.tuple("auth.failed", "anonymous", "denied", null),
                org.assertj.core.groups.Tuple.tuple("auth.failed", "key-prefix:bt_Ab3dE9xQ", "denied", null));
        assertThat(entries(log, "system").getFirst().details()).containsEntry("attempted", "workflow.register");
    }

    @Test
    void a_failed_login_with_a_known_tenant_is_recorded_in_that_tenant() {
        InMemoryAuditLog log = new InMemoryAuditLog();
        URI base = start(trail(log));

        send(base, "GET", "/api/v1/runs", Map.of("X-Key-Prefix", "bt_Revoked1", "X-Key-Tenant", "acme"));

        assertThat(entries(log, "acme")).singleElement().satisfies(entry -> {
            assertThat(entry.action()).isEqualTo("auth.failed");
            assertThat(entry.actor()).isEqualTo("key-prefix:bt_Revoked1");
        });
        assertThat(entries(log, "system")).isEmpty();
    }

    @Test
    void the_target_a_handler_sets_wins_and_a_created_object_comes_from_its_location() {
        InMemoryAuditLog log = new InMemoryAuditLog();
        URI base = start(trail(log));

        send(base, "POST", "/api/v1/keys", Map.of("X-Role", "ADMIN"));
        send(base, "POST", "/api/v1/workflows", Map.of("X-Role", "DEVELOPER"));

        assertThat(entries(log, "acme")).extracting(AuditEntry::action, AuditEntry::target, AuditEntry::actor)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("workflow.register", "workflow/wf-1", "key:DEVELOPER"),
                        org.assertj.core.groups.Tuple.tuple("key.create", "key/k-9", "key:ADMIN"));
    }

    @Test
    void a_failing_audit_log_never_costs_the_response_and_is_counted() {
        AuditLog broken = new AuditLog() {
            @Override
            public AuditEntry append(AuditEntry entry) {
                throw new BatonException(ErrorCode.STORE_UNAVAILABLE, "store: connection refused");
            }

            @Override
            public Page<AuditEntry> query(AuditQuery query) {
                throw new BatonException(ErrorCode.STORE_UNAVAILABLE, "store: connection refused");
            }
        };
        URI base = start(trail(broken));

        var created = send(base, "POST", "/api/v1/workflows", Map.of("X-Role", "ADMIN"));
        var denied = send(base, "POST", "/api/v1/workflows", Map.of("X-Role", "VIEWER"));

        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.body()).isEqualTo("{\"id\": \"wf-1\"}");
        assertThat(created.headers().firstValue("Location")).contains("/api/v1/workflows/wf-1");
        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(failures).hasValue(2);
    }
}
