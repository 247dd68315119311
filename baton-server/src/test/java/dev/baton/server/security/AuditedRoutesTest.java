package dev.baton.server.security;

import dev.baton.server.BatonConfig;
import dev.baton.server.BatonNode;
import dev.baton.server.BatonServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Every route of the running API that changes something is audited under an action, or listed as not audited. */
class AuditedRoutesTest {
    private static final Set<String> MUTATING = Set.of("POST", "PUT", "PATCH", "DELETE");

    private static BatonNode node;
    private static BatonServer server;

    @BeforeAll
    static void start() {
        node = BatonNode.open(BatonConfig.inMemory().withAi(BatonConfig.Ai.DISABLED));
        server = BatonServer.start(node, "127.0.0.1", 0);
    }

    @AfterAll
    static void stop() {
        server.close();
        node.close();
    }

    @Test
    void every_mutating_route_of_the_running_api_has_an_action_or_a_reason_not_to() {
        List<BatonServer.Route> mutating = server.routes().stream()
                .filter(route -> MUTATING.contains(route.method())).toList();

        assertThat(mutating).isNotEmpty().allSatisfy(route ->
                assertThat(AuditedRoutes.known(route.method(), route.path()))
                        .as("%s %s: add it to AuditedRoutes (or to NOT_AUDITED with the reason)",
                                route.method(), route.path()).isTrue());
    }

    @Test
    void lost_entries_are_counted_in_the_nodes_metrics() throws Exception {
        HttpResponse<String> scrape = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(server.url().resolve("/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.body()).contains("# TYPE baton_audit_failures_total counter")
                .containsPattern("(?m)^baton_audit_failures_total(\\{[^}]*})? 0\\.0$");
    }

    @Test
    void actions_come_from_the_method_and_the_route_template() {
        assertThat(AuditedRoutes.of("POST", "/api/v1/runs/{id}/retry")).get()
                .extracting(AuditedRoutes.Route::action, AuditedRoutes.Route::targetType,
                        AuditedRoutes.Route::pathParam)
                .containsExactly("run.retry", "run", "id");
        assertThat(AuditedRoutes.of("DELETE", "/api/v1/keys/{id}")).get()
                .extracting(AuditedRoutes.Route::action).isEqualTo("key.revoke");
        assertThat(AuditedRoutes.of("GET", "/api/v1/runs/{id}")).isEmpty();
        assertThat(AuditedRoutes.of("PUT", "/api/v1/workflows")).isEmpty();
    }
}
