package dev.baton.gateway.provider.http;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long an upstream asks us to wait, read from its response headers, first match wins:
 * <ol>
 *   <li>{@code retry-after-ms}: milliseconds (sent by OpenAI; honoured by its official SDKs);</li>
 *   <li>{@code Retry-After}: delay-seconds (fractions accepted) or an HTTP-date (RFC 9110, section 10.2.3),
 *       counted from {@code now}; a date in the past means zero;</li>
 *   <li>OpenAI's {@code x-ratelimit-reset-requests} / {@code x-ratelimit-reset-tokens}, durations such as
 *       {@code 1s}, {@code 6m0s}, {@code 20ms}: the reset of the exhausted limit (the one whose
 *       {@code x-ratelimit-remaining-*} is 0), or the later of the two when neither says it is exhausted.</li>
 * </ol>
 * Values that do not parse are ignored, never an error. Results are capped at one day so a broken header cannot
 * park a deployment for ever.
 */
public final class RetryAfter {
    private static final Duration MAX = Duration.ofDays(1);
    private static final Pattern GO_DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|h|m|s)");

    private RetryAfter() {
    }

    /** The wait the headers ask for, if any. */
    public static Optional<Duration> from(HttpHeaders headers, Instant now) {
        Optional<Duration> millis = headers.firstValue("retry-after-ms").flatMap(RetryAfter::millis);
        if (millis.isPresent()) {
            return millis;
        }
        Optional<Duration> standard = headers.firstValue("retry-after").flatMap(v -> parse(v, now));
        if (standard.isPresent()) {
            return standard;
        }
        Optional<Duration> requests = headers.firstValue("x-ratelimit-reset-requests").flatMap(RetryAfter::goDuration);
        Optional<Duration> tokens = headers.firstValue("x-ratelimit-reset-tokens").flatMap(RetryAfter::goDuration);
        boolean requestsExhausted = headers.firstValue("x-ratelimit-remaining-requests").filter("0"::equals).isPresent();
        boolean tokensExhausted = headers.firstValue("x-ratelimit-remaining-tokens").filter("0"::equals).isPresent();
        if (requestsExhausted != tokensExhausted) {
            return requestsExhausted ? requests.or(() -> tokens) : tokens.or(() -> requests);
        }
        if (requests.isPresent() && tokens.isPresent()) {
            return Optional.of(requests.get().compareTo(tokens.get()) >= 0 ? requests.get() : tokens.get());
        }
        return requests.or(() -> tokens);
    }

    /**
     * Parses one {@code Retry-After} value: delay-seconds or an HTTP-date.
     *
     * @return the wait, or empty when the value is neither
     */
    public static Optional<Duration> parse(String value, Instant now) {
        String text = value.trim();
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            double seconds = Double.parseDouble(text);
            if (seconds >= 0 && Double.isFinite(seconds)) {
                return Optional.of(cap(Duration.ofMillis(Math.round(seconds * 1000))));
            }
            return Optional.empty();
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration wait = Duration.between(now, at);
                return Optional.of(wait.isNegative() ? Duration.ZERO : cap(wait));
            } catch (DateTimeParseException notDate) {
                return Optional.empty();
            }
        }
    }

    private static Optional<Duration> millis(String value) {
        try {
            double ms = Double.parseDouble(value.trim());
            return ms >= 0 && Double.isFinite(ms) ? Optional.of(cap(Duration.ofMillis(Math.round(ms)))) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Parses a Go-style duration ({@code 1h2m3.5s}, {@code 20ms}) as OpenAI sends in its rate-limit headers. */
    static Optional<Duration> goDuration(String value) {
        String text = value.trim();
        Matcher m = GO_DURATION.matcher(text);
        double millis = 0;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                return Optional.empty();
            }
            double amount = Double.parseDouble(m.group(1));
            millis += switch (m.group(2)) {
                case "h" -> amount * 3_600_000;
                case "m" -> amount * 60_000;
                case "s" -> amount * 1_000;
                default -> amount;
            };
            end = m.end();
        }
        if (end == 0 || end != text.length()) {
            return Optional.empty();
        }
        return Optional.of(cap(Duration.ofMillis(Math.round(millis))));
    }

    private static Duration cap(Duration d) {
        return d.compareTo(MAX) > 0 ? MAX : d;
    }
}
