package dev.baton.gateway.testing;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.gateway.api.ChatChunk;
import dev.baton.gateway.config.BreakerSettings;
import dev.baton.gateway.config.Deployment;
import dev.baton.gateway.config.Pricing;
import dev.baton.gateway.config.RateLimits;
import dev.baton.gateway.config.SecretRef;
import dev.baton.gateway.config.Timeouts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The error half of the provider contract: every fault the fake can inject maps to the documented
 * {@link ErrorCode}, retriability and {@code retryAfter}; every timeout of the deployment fires as
 * {@code TIMEOUT} naming itself; interruption is {@code CANCELLED}; the API key never shows in a message.
 * Extended through {@link ProviderContract}.
 */
public abstract class ProviderFaultContract extends ProviderFixture {

    @Test
    void rate_limit_is_retriable_and_carries_retry_after() {
        upstream.enqueue(Fault.rateLimited("2"));
        BatonException e = failure(() -> provider.chat(deployment(), ask("hi")));
        assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
        assertThat(e.retriable()).isTrue();
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(2));
    }

    @ParameterizedTest
    @ValueSource(ints = {408, 409, 500, 502, 503, 504, 529})
    void server_errors_are_retriable_upstream_unavailable(int status) {
        upstream.enqueue(Fault.status(status));
        BatonException e = failure(() -> provider.chat(deployment(), ask("hi")));
        assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE);
        assertThat(e.retriable()).isTrue();
        assertThat(e.getMessage()).contains(String.valueOf(status)).contains("injected fault");
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 403, 404, 422})
    void client_errors_are_rejected_with_the_upstream_message(int status) {
        upstream.enqueue(Fault.status(status));
        BatonException e = failure(() -> provider.chat(deployment(), ask("hi")));
        assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_REJECTED);
        assertThat(e.retriable()).isFalse();
        assertThat(e.getMessage()).contains("answered " + status).contains("injected fault: status " + status);
    }

    @Test
    void errors_of_a_stream_request_are_mapped_before_any_chunk() {
        upstream.enqueue(Fault.rateLimited("1"), Fault.status(400));
        List<ChatChunk> chunks = new ArrayList<>();
        BatonException limited = failure(() -> provider.stream(deployment(), ask("hi"), chunks::add));
        BatonException rejected = failure(() -> provider.stream(deployment(), ask("hi"), chunks::add));
        assertThat(limited.code()).isEqualTo(ErrorCode.RATE_LIMITED);
        assertThat(limited.retryAfter()).contains(Duration.ofSeconds(1));
        assertThat(rejected.code()).isEqualTo(ErrorCode.UPSTREAM_REJECTED);
        assertThat(chunks).isEmpty();
    }

    @Test
    void a_connection_reset_is_upstream_unavailable() {
        upstream.enqueue(Fault.reset(), Fault.reset());
        assertThat(failure(() -> provider.chat(deployment(), ask("hi"))).code())
                .isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE);
        assertThat(failure(() -> provider.stream(deployment(), ask("hi"), chunk -> { })).code())
                .isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE);
    }

    @Test
    void a_refused_connection_is_upstream_unavailable() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Deployment nowhere = new Deployment("nowhere", provider.type(), URI.create("http://127.0.0.1:" + port + "/v1"),
                "model-x", null, 1, RateLimits.UNLIMITED, Timeouts.DEFAULT, Pricing.FREE, BreakerSettings.DEFAULT,
                Map.of(), true);
        BatonException e = failure(() -> provider.chat(nowhere, ask("hi")));
        assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE);
        assertThat(e.retriable()).isTrue();
    }

    @Test
    void a_body_cut_short_is_upstream_unavailable() {
        upstream.enqueue(Fault.closeMidBody());
        BatonException e = failure(() -> provider.chat(deployment(), ask("hi")));
        assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE);
        assertThat(e.retriable()).isTrue();
    }

    @Test
    void a_stream_cut_mid_body_is_upstream_unavailable_after_the_chunks_so_far() {
        upstream.enqueue(Fault.closeMidBody());
        List<ChatChunk> chunks = new ArrayList<>();
        BatonException e = failure(() -> provider.stream(deployment(), ask("one two three four five six"), chunks::add));
        assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE);
        assertThat(chunks).isNotEmpty();
    }

    @Test
    void a_stream_without_its_terminator_is_upstream_unavailable() {
        upstream.enqueue(Fault.truncate());
        List<ChatChunk> chunks = new ArrayList<>();
        BatonException e = failure(() -> provider.stream(deployment(), ask("one two three"), chunks::add));
        assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE);
        assertThat(e.getMessage()).contains("stream ended without");
        assertThat(chunks).isNotEmpty();
    }

    @Test
    void an_error_event_in_the_stream_is_mapped_with_its_message() {
        upstream.enqueue(Fault.midStreamError("the model is overloaded"));
        BatonException e = failure(() -> provider.stream(deployment(), ask("one two three four"), chunk -> { }));
        assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE);
        assertThat(e.retriable()).isTrue();
        assertThat(e.getMessage()).contains("the model is overloaded");
    }

    @Test
    void an_invalid_request_error_event_in_the_stream_is_the_callers_and_not_retriable() {
        upstream.enqueue(Fault.midStreamRequestError("prompt is too long"));
        BatonException e = failure(() -> provider.stream(deployment(), ask("one two three four"), chunk -> { }));
        assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_REJECTED);
        assertThat(e.retriable()).isFalse();
        assertThat(e.getMessage()).contains("prompt is too long");
    }

    @Test
    void malformed_json_is_a_retriable_invalid_response() {
        upstream.enqueue(Fault.wrongJson(), Fault.wrongJson());
        BatonException whole = failure(() -> provider.chat(deployment(), ask("hi")));
        BatonException streamed = failure(() -> provider.stream(deployment(), ask("hi"), chunk -> { }));
        for (BatonException e : List.of(whole, streamed)) {
            assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_INVALID_RESPONSE);
            assertThat(e.retriable()).isTrue();
        }
    }

    @Test
    void a_wrong_content_type_is_a_retriable_invalid_response() {
        upstream.enqueue(Fault.wrongContentType(), Fault.wrongContentType());
        BatonException whole = failure(() -> provider.chat(deployment(), ask("hi")));
        BatonException streamed = failure(() -> provider.stream(deployment(), ask("hi"), chunk -> { }));
        for (BatonException e : List.of(whole, streamed)) {
            assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_INVALID_RESPONSE);
            assertThat(e.retriable()).isTrue();
            assertThat(e.getMessage()).contains("text/html");
        }
    }

    @Test
    void slow_headers_fire_the_read_timeout() {
        upstream.enqueue(Fault.delayHeaders(LONG));
        BatonException e = failure(() -> provider.chat(deployment(shortTimeout("read")), ask("hi")));
        assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT);
        assertThat(e.retriable()).isTrue();
        assertThat(e.getMessage()).contains("read timeout");
    }

    @Test
    void a_slow_body_fires_the_total_timeout() {
        upstream.enqueue(Fault.delayChunks(LONG));
        BatonException e = failure(() -> provider.chat(deployment(shortTimeout("total")), ask("hi")));
        assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT);
        assertThat(e.getMessage()).contains("total timeout");
    }

    @Test
    void a_slow_first_token_fires_the_first_token_timeout() {
        upstream.enqueue(Fault.delayFirstToken(LONG));
        List<ChatChunk> chunks = new ArrayList<>();
        BatonException e = failure(() -> provider.stream(deployment(shortTimeout("firstToken")), ask("hi"), chunks::add));
        assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT);
        assertThat(e.getMessage()).contains("first-token timeout");
        assertThat(chunks).isEmpty();
    }

    @Test
    void a_silent_stream_fires_the_idle_timeout_after_the_first_token() {
        upstream.enqueue(Fault.delayChunks(LONG));
        List<ChatChunk> chunks = new ArrayList<>();
        BatonException e = failure(() -> provider.stream(deployment(shortTimeout("idle")), ask("one two three"),
                chunks::add));
        assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT);
        assertThat(e.getMessage()).contains("idle timeout");
        assertThat(chunks).isNotEmpty();
    }

    @Test
    void the_api_key_is_sent_but_never_appears_in_a_message() {
        upstream.requireApiKey(SECRET);
        provider.chat(deployment(), ask("hi"));
        assertThat(sentApiKey(upstream.lastRequest())).isEqualTo(SECRET);
        assertThat(upstream.lastRequest().header("X-Baton-Test")).isEqualTo("contract");

        upstream.enqueue(Fault.status(401, "{\"error\":{\"message\":\"Incorrect API key provided: " + SECRET
                + "\",\"type\":\"authentication_error\"}}"));
        BatonException rejected = failure(() -> provider.chat(deployment(), ask("hi")));
        assertThat(rejected.code()).isEqualTo(ErrorCode.UPSTREAM_REJECTED);
        assertThat(rejected.getMessage()).contains("Incorrect API key provided").doesNotContain(SECRET);

        upstream.enqueue(Fault.status(500, "<html>upstream proxy saw key " + SECRET + "</html>"));
        assertThat(failure(() -> provider.stream(deployment(), ask("hi"), chunk -> { })).getMessage())
                .doesNotContain(SECRET);
    }

    @Test
    void a_missing_key_variable_is_invalid_input_naming_the_variable() {
        var withoutKey = newProvider(Map.of());
        try {
            BatonException e = failure(() -> withoutKey.chat(deployment(), ask("hi")));
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
            assertThat(e.getMessage()).contains(KEY_VARIABLE);
        } finally {
            if (withoutKey instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception ignored) {
                    // test cleanup
                }
            }
        }
    }

    @Test
    void interrupting_a_waiting_call_cancels_it() throws Exception {
        upstream.enqueue(Fault.delayHeaders(LONG));
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
        Thread caller = Thread.ofVirtual().start(() -> {
            try {
                provider.chat(deployment(), ask("hi"));
            } catch (Throwable t) {
                thrown.set(t);
                stillInterrupted.set(Thread.currentThread().isInterrupted());
            }
        });
        assertThat(upstream.awaitRequestCount(1, Duration.ofSeconds(10))).isTrue();
        caller.interrupt();
        caller.join(Duration.ofSeconds(10));
        assertThat(thrown.get()).isInstanceOfSatisfying(BatonException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.CANCELLED));
        assertThat(stillInterrupted.get()).isTrue();
    }

    @Test
    void interrupting_a_stream_waiting_for_chunks_cancels_it() throws Exception {
        upstream.enqueue(Fault.delayChunks(LONG));
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        List<ChatChunk> chunks = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.CountDownLatch firstChunk = new java.util.concurrent.CountDownLatch(1);
        Thread caller = Thread.ofVirtual().start(() -> {
            try {
                provider.stream(deployment(), ask("one two three"), chunk -> {
                    chunks.add(chunk);
                    firstChunk.countDown();
                });
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        assertThat(firstChunk.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        caller.interrupt();
        caller.join(Duration.ofSeconds(10));
        assertThat(thrown.get()).isInstanceOfSatisfying(BatonException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.CANCELLED));
    }

    @Test
    void a_sink_that_throws_aborts_the_stream_with_its_exception() {
        IllegalStateException gone = new IllegalStateException("client went away");
        Throwable thrown = null;
        try {
            provider.stream(deployment(), ask("one two three"), chunk -> {
                throw gone;
            });
        } catch (Throwable t) {
            thrown = t;
        }
        assertThat(thrown).isSameAs(gone);
        provider.chat(deployment(), ask("still works"));
    }

    @Test
    void a_probe_passes_on_a_healthy_upstream_and_fails_on_an_error() {
        provider.probe(deployment());
        assertThat(upstream.lastRequest().method()).isEqualTo("GET");
        assertThat(upstream.lastRequest().path()).isEqualTo("/v1/models");
        upstream.enqueue(Fault.status(503));
        assertThat(failure(() -> provider.probe(deployment())).code()).isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE);
    }

    /** A deployment with {@code key} as its secret reference, for subclasses. */
    protected Deployment deploymentWithKey(SecretRef key) {
        Deployment d = deployment();
        return new Deployment(d.id(), d.provider(), d.baseUrl(), d.upstreamModel(), key, d.weight(), d.limits(),
                d.timeouts(), d.pricing(), d.breaker(), d.headers(), d.enabled());
    }
}
