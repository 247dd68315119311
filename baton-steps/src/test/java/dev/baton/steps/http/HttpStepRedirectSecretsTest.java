package dev.baton.steps.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.security.EgressPolicy;
import io.opentelemetry.api.OpenTelemetry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Secrets go only to the origin the workflow named: a redirect to another origin (here: another port on
 * 127.0.0.1) drops every header holding a secret and refuses to re-send a body holding one. The step context
 * says which arguments hold a secret, as the engine does ({@code StepContext.secretArguments()}).
 */
class HttpStepRedirectSecretsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "k-1f6e0c";

    private final FakeService first = new FakeService();
    private final FakeService other = new FakeService();
    private final HttpStep step = new HttpStep(new HttpStepSettings(Duration.ofSeconds(5), Duration.ofSeconds(30),
            1024 * 1024), OpenTelemetry.noop(), EgressPolicy.DEFAULT.allowing("127.0.0.1/32"));

    @AfterEach
    void close() {
        step.close();
        first.close();
        other.close();
    }

    @Test
    void a_header_holding_a_secret_is_dropped_on_a_redirect_to_another_origin_and_plain_headers_follow()
            throws Exception {
        JsonNode out = step.execute(TestContext.withSecrets("headers.X-Api-Key"), call("GET",
                redirect(302, other.url("/echo")), null));

        assertThat(out.get("status").intValue()).isEqualTo(200);
        assertThat(first.last().header("X-Api-Key")).isEqualTo(KEY);
        assertThat(other.requests).hasSize(1);
        assertThat(other.last().header("X-Api-Key")).isNull();
        assertThat(other.last().header("Authorization")).isNull();
        assertThat(other.last().header("X-Plain")).isEqualTo("yes");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"307, POST", "308, PUT", "302, PUT", "301, PATCH"})
    void a_redirect_that_would_resend_a_secret_body_to_another_origin_fails_the_step(int status, String method) {
        assertThatThrownBy(() -> step.execute(TestContext.withSecrets("body.token"), call(method,
                redirect(status, other.url("/echo")), "{\"token\": \"" + KEY + "\"}")))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_REJECTED);
                    assertThat(e.retriable()).isFalse();
                    assertThat(e.getMessage()).contains("answered " + status, "another origin",
                            "body holds a secret").doesNotContain(KEY);
                });
        assertThat(first.requests).hasSize(1);
        assertThat(other.requests).isEmpty();
    }

    @Test
    void a_redirect_that_drops_the_body_is_followed_without_the_secret() throws Exception {
        JsonNode out = step.execute(TestContext.withSecrets("body", "headers.X-Api-Key"), call("POST",
                redirect(303, other.url("/echo")), "\"" + KEY + "\""));

        assertThat(out.get("body").get("method").textValue()).isEqualTo("GET");
        assertThat(other.last().body()).isEmpty();
        assertThat(other.last().header("X-Api-Key")).isNull();
    }

    @Test
    void a_same_origin_redirect_keeps_secret_headers_and_body() throws Exception {
        JsonNode out = step.execute(TestContext.withSecrets("headers.X-Api-Key", "body"), call("POST",
                redirect(307, "/echo"), "{\"token\": \"" + KEY + "\"}"));

        assertThat(out.get("body").get("body").textValue()).contains(KEY);
        assertThat(first.last().header("X-Api-Key")).isEqualTo(KEY);
        assertThat(first.last().header("Authorization")).isEqualTo("Bearer t");
    }

    @Test
    void a_dropped_secret_header_stays_dropped_when_a_later_hop_returns_to_the_first_origin() throws Exception {
        String back = other.url("/redirect?to=" + URLEncoder.encode(first.url("/echo"), StandardCharsets.UTF_8));

        step.execute(TestContext.withSecrets("headers.x-api-key"), call("GET", redirect(302, back), null));

        assertThat(first.requests).hasSize(2);
        assertThat(first.last().path()).isEqualTo("/echo");
        assertThat(first.last().header("X-Api-Key")).isNull();
        assertThat(first.last().header("X-Plain")).isEqualTo("yes");
    }

    /** A URL of {@link #first} that redirects with {@code status} to {@code to}. */
    private String redirect(int status, String to) {
        return first.url("/redirect?status=" + status + "&to=" + URLEncoder.encode(to, StandardCharsets.UTF_8));
    }

    private static JsonNode call(String method, String url, String body) throws Exception {
        ObjectNode arguments = JSON.createObjectNode().put("url", url).put("method", method);
        arguments.putObject("headers").put("X-Api-Key", KEY).put("X-Plain", "yes").put("Authorization", "Bearer t");
        if (body != null) {
            arguments.set("body", JSON.readTree(body));
        }
        return arguments;
    }
}
