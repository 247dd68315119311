package dev.baton.gateway.provider.http;

import org.junit.jupiter.api.Test;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RetryAfterTest {
    private static final Instant NOW = Instant.parse("2026-11-21T02:00:00Z");

    private static HttpHeaders headers(Map<String, String> values) {
        return HttpHeaders.of(values.entrySet().stream().collect(java.util.stream.Collectors.toMap(
                Map.Entry::getKey, e -> List.of(e.getValue()))), (a, b) -> true);
    }

    @Test
    void reads_delay_seconds_including_fractions() {
        assertThat(RetryAfter.parse("7", NOW)).contains(Duration.ofSeconds(7));
        assertThat(RetryAfter.parse("0.5", NOW)).contains(Duration.ofMillis(500));
    }

    @Test
    void reads_an_http_date_relative_to_now_and_a_past_date_as_zero() {
        assertThat(RetryAfter.parse("Sat, 21 Nov 2026 02:00:30 GMT", NOW)).contains(Duration.ofSeconds(30));
        assertThat(RetryAfter.parse("Sat, 21 Nov 2026 01:00:00 GMT", NOW)).contains(Duration.ZERO);
    }

    @Test
    void ignores_values_that_do_not_parse_and_caps_absurd_ones() {
        assertThat(RetryAfter.parse("soon", NOW)).isEmpty();
        assertThat(RetryAfter.parse("-3", NOW)).isEmpty();
        assertThat(RetryAfter.parse("99999999", NOW)).contains(Duration.ofDays(1));
    }

    @Test
    void prefers_retry_after_ms_then_retry_after() {
        assertThat(RetryAfter.from(headers(Map.of("retry-after-ms", "250", "retry-after", "9")), NOW))
                .contains(Duration.ofMillis(250));
        assertThat(RetryAfter.from(headers(Map.of("retry-after", "9")), NOW)).contains(Duration.ofSeconds(9));
        assertThat(RetryAfter.from(headers(Map.of()), NOW)).isEmpty();
    }

    @Test
    void falls_back_to_the_reset_of_the_exhausted_openai_limit() {
        assertThat(RetryAfter.from(headers(Map.of("x-ratelimit-reset-requests", "1m30s",
                "x-ratelimit-reset-tokens", "20ms", "x-ratelimit-remaining-tokens", "0",
                "x-ratelimit-remaining-requests", "12")), NOW)).contains(Duration.ofMillis(20));
        assertThat(RetryAfter.from(headers(Map.of("x-ratelimit-reset-requests", "1m30s",
                "x-ratelimit-reset-tokens", "20ms")), NOW)).contains(Duration.ofSeconds(90));
        assertThat(RetryAfter.from(headers(Map.of("x-ratelimit-reset-tokens", "6m0s")), NOW))
                .contains(Duration.ofMinutes(6));
    }

    @Test
    void parses_go_durations_and_rejects_garbage() {
        assertThat(RetryAfter.goDuration("1h2m3.5s")).contains(Duration.ofMillis(3_723_500));
        assertThat(RetryAfter.goDuration("1s garbage")).isEmpty();
        assertThat(RetryAfter.goDuration("")).isEmpty();
    }
}
