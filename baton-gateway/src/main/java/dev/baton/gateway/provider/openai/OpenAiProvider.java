package dev.baton.gateway.provider.openai;

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
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code openai} provider: any server speaking OpenAI's Chat Completions and Embeddings API (OpenAI, Azure
 * OpenAI's v1 API, vLLM, Ollama, LM Studio, llama.cpp server, Groq, Together, Mistral, DeepSeek...).
 * <ul>
 *   <li>chat: {@code POST {baseUrl}/chat/completions} with every {@link ChatRequest} field (tools,
 *       {@code tool_choice}, {@code response_format} incl. {@code json_schema}, {@code temperature},
 *       {@code top_p}, {@code stop}, {@code seed}, {@code user}). The output limit is sent as
 *       {@code max_tokens}, which every compatible server understands, except to {@code api.openai.com} and
 *       Azure OpenAI, where it is sent as {@code max_completion_tokens}: OpenAI deprecated {@code max_tokens}
 *       for chat completions and its reasoning models (o1, o3, gpt-5...) reject it;</li>
 *   <li>stream: the same with {@code stream: true, stream_options: {include_usage: true}}; usage comes from the
 *       final chunk, or is estimated (about 4 characters per token) and marked {@code estimated} when the server
 *       sends none; the stream must end with {@code [DONE]};</li>
 *   <li>embed: {@code POST {baseUrl}/embeddings} with the inputs as an array, {@code encoding_format: float} and
 *       {@code dimensions} when requested; vectors ordered by their {@code index};</li>
 *   <li>probe: {@code GET {baseUrl}/models}, which costs no tokens.</li>
 * </ul>
 * Sends {@code Authorization: Bearer <key>} when the deployment has a key (resolved from its secret reference
 * against the injected environment on each call), plus the deployment's extra headers, plus
 * {@code Idempotency-Key} when the call carries an idempotency key ({@link IdempotencyKeys}). Errors per
 * {@link Provider}'s contract via {@link dev.baton.gateway.provider.http.UpstreamFailures}.
 *
 * <p>Thread-safe and stateless per call; share one instance. {@link #close()} shuts its transport down when it
 * created that transport itself.
 */
public final class OpenAiProvider implements Provider, AutoCloseable {
    /** The provider type in configuration. */
    public static final String TYPE = "openai";

    private final Map<String, String> environment;
    private final UpstreamHttp http;
    private final boolean ownsHttp;

    /** A provider with its own transport; {@code environment} is where {@code env:} key references are read. */
    public OpenAiProvider(Map<String, String> environment) {
        this(environment, new UpstreamHttp(), true);
    }

    /** A provider over a shared transport (not closed by {@link #close()}). */
    public OpenAiProvider(Map<String, String> environment, UpstreamHttp http) {
        this(environment, http, false);
    }

    private OpenAiProvider(Map<String, String> environment, UpstreamHttp http, boolean ownsHttp) {
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
        byte[] body = bytes(OpenAiWire.chatBody(request, false, isOpenAi(deployment)));
        UpstreamCall call = endpoint.call("POST", "/chat/completions", headers(endpoint, idempotencyKey, body), body);
        return OpenAiWire.chatResponse(http.send(call).json(), request, call.target());
    }

    @Override
    public StreamResult stream(Deployment deployment, ChatRequest request, ChunkSink sink) {
        return stream(deployment, request, sink, null);
    }

    @Override
    public StreamResult stream(Deployment deployment, ChatRequest request, ChunkSink sink, String idempotencyKey) {
        Endpoint endpoint = Endpoint.of(deployment, environment);
        byte[] body = bytes(OpenAiWire.chatBody(request, true, isOpenAi(deployment)));
        Map<String, String> headers = headers(endpoint, idempotencyKey, body);
        headers.put("Accept", "text/event-stream");
        UpstreamCall call = endpoint.call("POST", "/chat/completions", headers, body);
        try (UpstreamStream stream = http.stream(call)) {
            return new OpenAiStreamReader(stream, request).read(sink);
        }
    }

    @Override
    public EmbeddingResponse embed(Deployment deployment, EmbeddingRequest request) {
        return embed(deployment, request, null);
    }

    @Override
    public EmbeddingResponse embed(Deployment deployment, EmbeddingRequest request, String idempotencyKey) {
        Endpoint endpoint = Endpoint.of(deployment, environment);
        byte[] body = bytes(OpenAiWire.embeddingBody(request));
        UpstreamCall call = endpoint.call("POST", "/embeddings", headers(endpoint, idempotencyKey, body), body);
        return OpenAiWire.embeddingResponse(http.send(call).json(), request, call.target());
    }

    @Override
    public void probe(Deployment deployment) {
        Endpoint endpoint = Endpoint.of(deployment, environment);
        http.send(endpoint.call("GET", "/models", auth(endpoint), null));
    }

    /** Authentication and, when the call has an idempotency key, {@code Idempotency-Key}; mutable. */
    private static Map<String, String> headers(Endpoint endpoint, String idempotencyKey, byte[] body) {
        Map<String, String> headers = new LinkedHashMap<>(auth(endpoint));
        headers.putAll(IdempotencyKeys.header(idempotencyKey, body));
        return headers;
    }

    private static Map<String, String> auth(Endpoint endpoint) {
        return endpoint.apiKey() == null ? Map.of() : Map.of("Authorization", "Bearer " + endpoint.apiKey());
    }

    /**
     * Whether the deployment is OpenAI's own API or Azure OpenAI, which want {@code max_completion_tokens}
     * ({@code max_tokens} is deprecated there and rejected by reasoning models with "Unsupported parameter:
     * 'max_tokens' is not supported with this model"); other compatible servers (vLLM, Ollama, LoRAX...) may only
     * know {@code max_tokens}.
     */
    static boolean isOpenAi(Deployment deployment) {
        String host = deployment.baseUrl().getHost();
        if (host == null) {
            return false;
        }
        String name = host.toLowerCase(Locale.ROOT);
        return name.equals("api.openai.com") || name.endsWith(".openai.azure.com");
    }

    private static byte[] bytes(JsonNode body) {
        try {
            return OpenAiWire.JSON.writeValueAsBytes(body);
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
