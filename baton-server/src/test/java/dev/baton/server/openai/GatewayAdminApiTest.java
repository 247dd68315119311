package dev.baton.server.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.gateway.usage.UsageDimension;
import dev.baton.gateway.usage.UsageTotals;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The gateway's operator routes under /api/v1 (deployments, usage) over real HTTP, against a scripted gateway. */
class GatewayAdminApiTest {
    private static final ScriptedServer SERVER = new ScriptedServer(ClientKeys.open());
    private final ScriptedGateway gateway = SERVER.gateway;

    @AfterAll
    static void close() {
        SERVER.close();
    }

    @Test
    void lists_deployments_and_shows_one_with_its_recent_checks() {
        JsonNode list = SERVER.get("/api/v1/gateway/deployments").json();
        JsonNode item = list.get("items").get(0);
        assertThat(item.get("id").asText()).isEqualTo("dep-a");
        assertThat(item.get("alias").asText()).isEqualTo("fast");
        assertThat(item.get("breaker").asText()).isEqualTo("half-open");
        assertThat(item.get("health").asText()).isEqualTo("degraded");
        assertThat(item.get("uptimePercent").asDouble()).isEqualTo(75);
        assertThat(item.get("requests").asLong()).isEqualTo(40);
        assertThat(item.get("failures").asLong()).isEqualTo(10);
        assertThat(item.has("recentChecks")).isFalse();

        JsonNode one = SERVER.get("/api/v1/gateway/deployments/dep-a").json();
        JsonNode check = one.get("recentChecks").get(0);
        assertThat(check.get("source").asText()).isEqualTo("probe");
        assertThat(check.get("ok").asBoolean()).isFalse();
        assertThat(check.get("latencyMs").asLong()).isEqualTo(30);
        assertThat(check.get("error").asText()).isEqualTo("timeout");
    }

    @Test
    void enables_and_disables_a_deployment_and_404s_an_unknown_one() {
        var disabled = SERVER.post("/api/v1/gateway/deployments/dep-a/disable", "");
        assertThat(disabled.status()).isEqualTo(200);
        assertThat(disabled.json().get("enabled").asBoolean()).isFalse();
        assertThat(gateway.deployment("dep-a").enabled()).isFalse();
        assertThat(SERVER.post("/api/v1/gateway/deployments/dep-a/enable", "").json().get("enabled").asBoolean())
                .isTrue();

        var missing = SERVER.get("/api/v1/gateway/deployments/nope");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.header("Content-Type")).startsWith("application/problem+json");
    }

    @Test
    void a_gateway_without_a_cache_layer_reports_no_cache() {
        JsonNode stats = SERVER.get("/api/v1/gateway/cache").json();
        assertThat(stats.get("present").asBoolean()).isFalse();
        assertThat(stats.get("hits").asLong()).isZero();
        assertThat(stats.get("hitRate").asDouble()).isZero();
    }

    @Test
    void usage_is_grouped_and_filtered_as_asked_with_a_total() {
        gateway.totals.clear();
        gateway.totals.add(new UsageTotals("run-1", 3, 1, 1, 100, 50, false, 0.25));
        gateway.totals.add(new UsageTotals("run-2", 1, 0, 0, 10, 5, true, 0.5));
        var response = SERVER.get("/api/v1/usage?groupBy=run&workflow=wf&principal=team-a"
                                  + "&from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z");

        assertThat(response.status()).as(response.text()).isEqualTo(200);
        assertThat(gateway.lastQuery.groupBy()).isEqualTo(UsageDimension.RUN);
        assertThat(gateway.lastQuery.filter()).containsExactlyInAnyOrderEntriesOf(Map.of(UsageDimension.WORKFLOW,
                "wf", UsageDimension.PRINCIPAL, "team-a", UsageDimension.TENANT, "default")); // only its tenant's
        assertThat(gateway.lastQuery.from()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(gateway.lastQuery.to()).isEqualTo(Instant.parse("2026-02-01T00:00:00Z"));
        JsonNode body = response.json();
        assertThat(body.get("groupBy").asText()).isEqualTo("run");
        assertThat(body.get("items")).extracting(i -> i.get("key").asText()).containsExactly("run-1", "run-2");
        assertThat(body.get("items").get(0).get("totalTokens").asLong()).isEqualTo(150);
        JsonNode total = body.get("total");
        assertThat(total.get("calls").asLong()).isEqualTo(4);
        assertThat(total.get("inputTokens").asLong()).isEqualTo(110);
        assertThat(total.get("estimated").asBoolean()).isTrue();
        assertThat(total.get("costUsd").asDouble()).isEqualTo(0.75);
    }

    @Test
    void usage_defaults_to_grouping_by_model_and_rejects_bad_parameters() {
        assertThat(SERVER.get("/api/v1/usage").status()).isEqualTo(200);
        assertThat(gateway.lastQuery.groupBy()).isEqualTo(UsageDimension.MODEL);
        var groupBy = SERVER.get("/api/v1/usage?groupBy=colour");
        assertThat(groupBy.status()).isEqualTo(400);
        assertThat(groupBy.json().get("errors").get(0).get("field").asText()).isEqualTo("groupBy");
        var from = SERVER.get("/api/v1/usage?from=yesterday");
        assertThat(from.json().get("errors").get(0).get("field").asText()).isEqualTo("from");
        var unknown = SERVER.get("/api/v1/usage?tenant=x");
        assertThat(unknown.json().get("errors").get(0).get("field").asText()).isEqualTo("tenant");
    }
}
