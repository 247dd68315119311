package dev.baton.gateway.provider.http;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.EOFException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class UpstreamFailuresTest {
    private static final HttpHeaders NONE = HttpHeaders.of(Map.of(), (a, b) -> true);
    private static final Instant NOW = Instant.parse("2026-11-21T02:00:00Z");

    private static BatonException status(int status, String body) {
        return UpstreamFailures.forStatus("deployment d: POST /x", status, NONE,
                body.getBytes(StandardCharsets.UTF_8), "sk-secret", NOW);
    }

    @ParameterizedTest
    @CsvSource({"429,RATE_LIMITED,true", "408,UPSTREAM_UNAVAILABLE,true", "409,UPSTREAM_UNAVAILABLE,true",
            "500,UPSTREAM_UNAVAILABLE,true", "529,UPSTREAM_UNAVAILABLE,true", "400,UPSTREAM_REJECTED,false",
            "401,UPSTREAM_REJECTED,false", "404,UPSTREAM_REJECTED,false", "302,UPSTREAM_REJECTED,false"})
    void maps_each_status_to_its_code_and_retriability(int status, ErrorCode code, boolean retriable) {
        BatonException e = status(status, "");
        assertThat(e.code()).isEqualTo(code);
        assertThat(e.retriable()).isEqualTo(retriable);
        assertThat(e.getMessage()).isEqualTo("deployment d: POST /x answered " + status);
    }

    @Test
    void quotes_openai_anthropic_and_plain_error_messages() {
        assertThat(status(400, "{\"error\":{\"message\":\"bad temperature\",\"type\":\"invalid_request_error\"}}")
                .getMessage()).endsWith(": invalid_request_error: bad temperature");
        assertThat(status(400, "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\","
                + "\"message\":\"max_tokens: Field required\"}}").getMessage())
                .endsWith(": invalid_request_error: max_tokens: Field required");
        assertThat(status(404, "{\"error\":\"model 'llama9' not found\"}").getMessage())
                .endsWith(": model 'llama9' not found");
        assertThat(status(502, "<html>Bad gateway</html>").getMessage()).endsWith(": <html>Bad gateway</html>");
        assertThat(status(502, "x".repeat(1000)).getMessage()).hasSizeLessThan(400).endsWith("…");
    }

    @Test
    void redacts_the_api_key_from_upstream_messages() {
        assertThat(status(401, "{\"error\":{\"message\":\"Incorrect API key provided: sk-secret\"}}").getMessage())
                .contains("Incorrect API key provided: ***").doesNotContain("sk-secret");
    }

    @Test
    void carries_retry_after_on_rate_limits_and_unavailable_answers() {
        HttpHeaders headers = HttpHeaders.of(Map.of("Retry-After", List.of("3")), (a, b) -> true);
        assertThat(UpstreamFailures.forStatus("t", 429, headers, new byte[0], null, NOW).retryAfter())
                .contains(Duration.ofSeconds(3));
        assertThat(UpstreamFailures.forStatus("t", 503, headers, new byte[0], null, NOW).retryAfter())
                .contains(Duration.ofSeconds(3));
    }

    @Test
    void maps_transport_failures() {
        assertThat(UpstreamFailures.forTransport("t", new ConnectException("Connection refused"), null).code())
                .isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE);
        assertThat(UpstreamFailures.forTransport("t", new EOFException("EOF reached"), null).code())
                .isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE);
        BatonException connect = UpstreamFailures.forTransport("t", new HttpConnectTimeoutException("x"), null);
        assertThat(connect.code()).isEqualTo(ErrorCode.TIMEOUT);
        assertThat(connect.getMessage()).contains("connect timeout");
        BatonException idle = UpstreamFailures.forTransport("t", new DeadlineExceeded("idle timeout (200 ms)"), null);
        assertThat(idle.code()).isEqualTo(ErrorCode.TIMEOUT);
        assertThat(idle.getMessage()).isEqualTo("t: idle timeout (200 ms) expired");
        assertThat(idle.retriable()).isTrue();
    }

    @Test
    void maps_interruption_to_cancelled_and_keeps_the_interrupt_flag() {
        try {
            BatonException e = UpstreamFailures.forTransport("t", new InterruptedIOException(), null);
            assertThat(e.code()).isEqualTo(ErrorCode.CANCELLED);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void invalid_responses_are_retriable_on_another_deployment() {
        BatonException e = UpstreamFailures.invalidResponse("t", "not JSON", null);
        assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_INVALID_RESPONSE);
        assertThat(e.retriable()).isTrue();
    }
}
