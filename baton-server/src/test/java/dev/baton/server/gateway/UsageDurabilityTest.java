package dev.baton.server.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.server.BatonConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** On the embedded H2 store, gateway usage is kept in the database: it survives a restart of the node. */
class UsageDurabilityTest {

    @Test
    void usage_recorded_on_h2_is_still_there_after_a_restart(@TempDir Path dir) throws InterruptedException {
        BatonConfig h2 = new BatonConfig(dir, BatonConfig.Store.h2(dir), BatonConfig.Server.DEFAULT,
                BatonConfig.Engine.DEFAULT, BatonConfig.Ai.DISABLED);
        long before;
        try (GatewayNode node = new GatewayNode("", h2)) {
            var response = node.post("/v1/chat/completions",
                    "{\"model\": \"fast\", \"messages\": [{\"role\": \"user\", \"content\": \"persist this usage\"}]}",
                    Map.of());
            assertThat(response.status()).as(response.text()).isEqualTo(200);
            before = awaitCalls(node, 1);
        }
        try (GatewayNode reopened = new GatewayNode("", h2)) {
            JsonNode fast = row(reopened);
            assertThat(fast).isNotNull();
            assertThat(fast.get("calls").asLong()).isEqualTo(before);
            assertThat(fast.get("inputTokens").asLong()).isEqualTo(3);
        }
    }

    private static JsonNode row(GatewayNode node) {
        for (JsonNode item : node.get("/api/v1/usage?groupBy=model").json().get("items")) {
            if (item.get("key").asText().equals("fast")) {
                return item;
            }
        }
        return null;
    }

    /** Waits until the recorder flushed at least {@code calls} calls of {@code fast} (it batches off the request path). */
    private static long awaitCalls(GatewayNode node, long calls) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (true) {
            JsonNode row = row(node);
            if (row != null && row.get("calls").asLong() >= calls) {
                return row.get("calls").asLong();
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("no usage recorded: " + node.get("/api/v1/usage?groupBy=model").text());
            }
            Thread.sleep(50);
        }
    }
}
