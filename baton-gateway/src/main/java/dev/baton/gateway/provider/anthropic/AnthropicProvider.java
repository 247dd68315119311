package dev.baton.gateway.provider.anthropic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.gateway.api.ChatRequest;
import dev.baton.gateway.api.ChatResponse;
import dev.baton.gateway.api.ChunkSink;
import dev.baton.gateway.api.EmbeddingRequest;
import dev.baton.gateway.api.EmbeddingResponse;
import dev.baton.gateway.api.StreamResult;
import dev.baton.gateway.config.Deployment;
import dev.baton.gateway.provider.Provider;
import dev.baton.gateway.provider.http.Endpoint;
import dev.baton.gateway.provider.http.IdempotencyKeys;
import dev.baton.gateway.provider.http.UpstreamCall;
import dev.baton.gateway.provider.http.UpstreamHttp;
import dev.baton.gateway.provider.http.UpstreamStream;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code anthropic} provider: Anthropic's Messages API. The deployment's {@code baseUrl} includes the version
 * path, e.g. {@code https://api.anthropic.com/v1}.
 * <ul>
 *   <li>chat: {@code POST {baseUrl}/messages} with headers {@code x-api-key} and
 *       {@code anthropic-version: }{@value #API_VERSION}; the request mapping (system prompt, tool calls and
 *       results, the default {@code max_tokens} of 4096, structured output as a forced tool call) is described
 *       on {@code AnthropicWire};</li>
 *   <li>stream: the same with {@code stream: true}; usage from {@code message_start} and
 *       {@code message_delta}; the stream must end with {@code message_stop};</li>
 *   <li>embed: always {@code UPSTREAM_REJECTED}, Anthropic has no embeddings API;</li>
 *   <li>probe: {@code GET {baseUrl}/models}, which costs no tokens.</li>
 * </ul>
 * Errors per {@link Provider}'s contract via {@link dev.baton.gateway.provider.http.UpstreamFailures} (Anthropic's
 * 529 "overloaded" is a retriable {@code UPSTREAM_UNAVAILABLE}). The key is resolved from the deployment's secret
 * reference against the injected environment on each call and never appears in messages.
 *
 * <p>Thread-safe and stateless per call; share one instance.
 */
public final class AnthropicProvider implements Provider, AutoCloseable {
    /** The provider type in configuration. */
    public static final String TYPE = "anthropic";
    /** The Messages API version sent in {@code anthropic-version}. */
    public static final String API_VERSION = "2023-06-01";

    private final Map<String, String> environment;
    private final UpstreamHttp http;
    private final boolean ownsHttp;

    /** A provider with its own transport; {@code environment} is where {@code env:} key references are read. */
    public AnthropicProvider(Map<String, String> environment) {
        this(environment, new UpstreamHttp(), true);
    }

    /** A provider over a shared transport (not closed by {@link #close()}). */
    public AnthropicProvider(Map<String, String> environment, UpstreamHttp http) {
        this(environment, http, false);
    }

    private AnthropicProvider(Map<String, String> environment, UpstreamHttp http, boolean ownsHttp) {
        this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
        this.http = Objects.requireNonNull(http, "http");
        this.ownsHttp = ownsHttp;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public ChatResponse chat(Deployment deployment, ChatRequest request) {
        return chat(deployment, request, null);
    }

    @Override
    public ChatResponse chat(Deployment deployment, ChatRequest request, String idempotencyKey) {
        Endpoint endpoint = Endpoint.of(deployment, environment);
        byte[] body = bytes(AnthropicWire.body(request, false));
        Map<String, String> headers = headers(endpoint, false);
        headers.putAll(IdempotencyKeys.header(idempotencyKey, body));
        UpstreamCall call = endpoint.call("POST", "/messages", headers, body);
        return AnthropicWire.response(http.send(call).json(), request, call.target());
    }

    @Override
    public StreamResult stream(Deployment deployment, ChatRequest request, ChunkSink sink) {
        return stream(deployment, request, sink, null);
    }

    @Override
    public StreamResult stream(Deployment deployment, ChatRequest request, ChunkSink sink, String idempotencyKey) {
        Endpoint endpoint = Endpoint.of(deployment, environment);
        byte[] body = bytes(AnthropicWire.body(request, true));
        Map<String, String> headers = headers(endpoint, true);
        headers.putAll(IdempotencyKeys.header(idempotencyKey, body));
        UpstreamCall call = endpoint.call("POST", "/messages", headers, body);
        try (UpstreamStream stream = http.stream(call)) {
            return new AnthropicStreamReader(stream, request).read(sink);
        }
    }

    /** @throws BatonException always: {@code UPSTREAM_REJECTED}, Anthropic has no embeddings API */
    @Override
    public EmbeddingResponse embed(Deployment deployment, EmbeddingRequest request) {
        throw new BatonException(ErrorCode.UPSTREAM_REJECTED, "deployment " + deployment.id()
                + ": Anthropic has no embeddings API; serve embeddings from an openai or local deployment", false,
                List.of(), null);
    }

    @Override
    public void probe(Deployment deployment) {
        Endpoint endpoint = Endpoint.of(deployment, environment);
        http.send(endpoint.call("GET", "/models", headers(endpoint, false), null));
    }

    private static Map<String, String> headers(Endpoint endpoint, boolean stream) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (endpoint.apiKey() != null) {
            headers.put("x-api-key", endpoint.apiKey());
        }
        headers.put("anthropic-version", API_VERSION);
        if (stream) {
            headers.put("Accept", "text/event-stream");
        }
        return headers;
    }

    private static byte[] bytes(JsonNode body) {
        try {
            return AnthropicWire.JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new BatonException(ErrorCode.INTERNAL, "cannot serialise the request: " + e.getOriginalMessage(), e);
        }
    }

    @Override
    public void close() {
        if (ownsHttp) {
            http.close();
        }
    }
}
