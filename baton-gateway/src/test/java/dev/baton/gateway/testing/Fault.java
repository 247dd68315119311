package dev.baton.gateway.testing;

import java.time.Duration;
import java.util.Objects;

/**
 * A way a fake upstream misbehaves on one request. Faults are scripted per request
 * ({@link FakeUpstream#enqueue}), as a standing rule ({@link FakeUpstream#always}) or at random
 * ({@link FakeUpstream#failRandomly}).
 */
public sealed interface Fault {

    /**
     * Answer {@code status} with {@code body} (the provider's documented error shape when {@code null}) and a
     * {@code Retry-After} header when {@code retryAfter} is not {@code null} (sent verbatim: seconds or an
     * HTTP-date).
     */
    record Status(int status, String body, String retryAfter) implements Fault {
        public Status {
            if (status < 100 || status > 599) {
                throw new IllegalArgumentException("status must be 100..599: " + status);
            }
        }
    }

    /** Wait {@code delay} before sending the response headers, then answer normally. */
    record DelayHeaders(Duration delay) implements Fault {
        public DelayHeaders {
            Objects.requireNonNull(delay, "delay");
        }
    }

    /**
     * Streams: send the headers and the events before the first content event at once, then wait {@code delay}
     * before the first content event (a slow first token). Whole responses: like {@link DelayHeaders}.
     */
    record DelayFirstToken(Duration delay) implements Fault {
        public DelayFirstToken {
            Objects.requireNonNull(delay, "delay");
        }
    }

    /**
     * Answer normally but wait {@code delay} before every stream event after the first content event (an idle
     * stream), and, for a whole response, between its headers and its body.
     */
    record DelayChunks(Duration delay) implements Fault {
        public DelayChunks {
            Objects.requireNonNull(delay, "delay");
        }
    }

    /** Reset the connection (TCP RST) right after reading the request; no response at all. */
    record Reset() implements Fault {}

    /**
     * Send the headers and about half of the body (half the stream's events), then close the connection
     * abruptly: a fixed-length body comes up short, a chunked stream lacks its final chunk.
     */
    record CloseMidBody() implements Fault {}

    /** Streams: send every event but the terminator ({@code [DONE]} / {@code message_stop}), then end cleanly. */
    record Truncate() implements Fault {}

    /** Answer 200 with a body (or, streamed, an event) that is not valid JSON. */
    record WrongJson() implements Fault {}

    /** Answer 200 with an HTML page ({@code text/html}) instead of JSON or an event stream. */
    record WrongContentType() implements Fault {}

    /**
     * Streams: send about half of the events, then the provider's in-stream error event with {@code message}: an
     * outage ({@code server_error} / {@code overloaded_error}), or with {@code requestError} the provider's
     * invalid-request type.
     */
    record MidStreamError(String message, boolean requestError) implements Fault {
        public MidStreamError {
            Objects.requireNonNull(message, "message");
        }
    }

    static Fault status(int status) {
        return new Status(status, null, null);
    }

    static Fault status(int status, String body) {
        return new Status(status, body, null);
    }

    static Fault rateLimited(String retryAfter) {
        return new Status(429, null, retryAfter);
    }

    static Fault delayHeaders(Duration delay) {
        return new DelayHeaders(delay);
    }

    static Fault delayFirstToken(Duration delay) {
        return new DelayFirstToken(delay);
    }

    static Fault delayChunks(Duration delay) {
        return new DelayChunks(delay);
    }

    static Fault reset() {
        return new Reset();
    }

    static Fault closeMidBody() {
        return new CloseMidBody();
    }

    static Fault truncate() {
        return new Truncate();
    }

    static Fault wrongJson() {
        return new WrongJson();
    }

    static Fault wrongContentType() {
        return new WrongContentType();
    }

    static Fault midStreamError(String message) {
        return new MidStreamError(message, false);
    }

    static Fault midStreamRequestError(String message) {
        return new MidStreamError(message, true);
    }
}
