package dev.baton.steps.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.core.security.EgressPolicy;
import io.opentelemetry.api.OpenTelemetry;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The documented maximum of {@code http.clients} works: every one of its clients starts and serves calls. */
class HttpStepClientsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void every_slot_of_the_maximum_client_count_executes() throws Exception {
        HttpStepSettings settings = new HttpStepSettings(Duration.ofSeconds(5), Duration.ofSeconds(30), 1024 * 1024)
                .withClients(HttpStepSettings.MAX_CLIENTS);
        try (FakeService service = new FakeService();
             HttpStep step = new HttpStep(settings, OpenTelemetry.noop(), EgressPolicy.DEFAULT.allowing("127.0.0.1"))) {
            // round-robin: one more call than there are clients uses every client, the first one twice
            for (int i = 0; i <= HttpStepSettings.MAX_CLIENTS; i++) {
                assertThat(step.execute(TestContext.unbounded(), JSON.readTree("{\"url\": \"" + service.url("/echo")
                        + "\"}")).get("status").intValue()).as("call %d", i).isEqualTo(200);
            }
            assertThat(service.requests).hasSize(HttpStepSettings.MAX_CLIENTS + 1);
        }
    }
}
