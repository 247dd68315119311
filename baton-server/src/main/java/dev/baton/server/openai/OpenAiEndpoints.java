package dev.baton.server.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.error.FieldError;
import dev.baton.core.security.Principal;
import dev.baton.gateway.CallContext;
import dev.baton.server.security.RequestPrincipal;
import dev.baton.gateway.Gateway;
import dev.baton.gateway.api.ChatResponse;
import dev.baton.gateway.api.EmbeddingResponse;
import dev.baton.gateway.api.ModelInfo;
import dev.baton.gateway.api.Served;
import dev.baton.gateway.api.StreamResult;
import dev.baton.server.security.Authenticator;
import dev.baton.server.security.RequestPrincipal;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The OpenAI-compatible API over a {@link Gateway}: {@code POST /v1/chat/completions} (whole or streamed),
 * {@code POST /v1/embeddings}, {@code GET /v1/models} and {@code GET /v1/models/{id}}. Point an OpenAI SDK's base
 * URL at {@code http://host:port/v1} and it works unchanged.
 *
 * <p>Every request is authenticated before it gets here ({@link Authenticator}: stored API keys, JWTs, the
 * configured {@code gateway.keys}); its principal is who the usage, limits and budgets are kept under.
 * {@code Cache-Control: no-cache} (or {@code no-store}) bypasses the response cache. Responses carry
 * {@code x-request-id}, {@code x-baton-deployment} (the deployment that answered; not on streams, whose headers
 * go out before it is known) and {@code x-baton-cache: hit|miss}. Errors are thrown as {@link BatonException}
 * and rendered in OpenAI's shape by {@link OpenAiErrors} (installed by the API's error handler for
 * {@value #BASE} paths). Thread-safe.
 */
public final class OpenAiEndpoints {
    /** The base path of the OpenAI-compatible API. */
    public static final String BASE = "/v1";
    static final String DEPLOYMENT_HEADER = "x-baton-deployment";
    static final String CACHE_HEADER = "x-baton-cache";
    private static final Logger LOG = LoggerFactory.getLogger(OpenAiEndpoints.class);

    private final Gateway gateway;
    private final InstantSource clock;
    private final ObjectMapper json;
    private final ChatResponseWriter chat;
    private final EmbeddingsWire embeddings;
    private final long started;

    /**
     * @param gateway the gateway every call goes to
     * @param clock   for {@code created} timestamps
     * @param json    the API's mapper
     */
    public OpenAiEndpoints(Gateway gateway, InstantSource clock, ObjectMapper json) {
        this.gateway = gateway;
        this.clock = clock;
        this.json = json.copy().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.chat = new ChatResponseWriter(json);
        this.embeddings = new EmbeddingsWire(json);
        this.started = clock.instant().getEpochSecond();
    }

    /** {@code POST /v1/chat/completions}. */
    public void chatCompletions(Context ctx) {
        CallContext call = call(ctx);
        ChatRequestReader.Parsed parsed = ChatRequestReader.read(body(ctx));
        String model = parsed.request().model();
        long created = clock.instant().getEpochSecond();
        if (!parsed.stream()) {
            ChatResponse response = gateway.chat(parsed.request(), call);
            served(ctx, response.served());
            respond(ctx, chat.completion(response, model, created));
            return;
        }
        ChatStream stream = new ChatStream(ctx.res(), json, chat, "chatcmpl-" + UUID.randomUUID(), model, created,
                parsed.includeUsage());
        try {
            StreamResult result = gateway.stream(parsed.request(), call, stream);
            stream.complete(result);
        } catch (UncheckedIOException e) {
            LOG.debug("chat stream closed by the client: {}", e.getMessage());
        } catch (RuntimeException e) {
            if (!stream.started()) {
                throw e;
            }
            // The response is committed as an event stream: end it with an error event, never a JSON body.
            BatonException error = e instanceof BatonException known ? known
                    : new BatonException(ErrorCode.INTERNAL, "the stream failed: " + e.getClass().getSimpleName(), e);
            if (error == e) {
                LOG.debug("chat stream failed after its first chunk: {}", e.getMessage());
            } else {
                LOG.error("chat stream failed after its first chunk", e);
            }
            try {
                stream.fail(error);
            } catch (UncheckedIOException gone) {
                LOG.debug("chat stream closed by the client: {}", gone.getMessage());
            }
        }
    }

    /** {@code POST /v1/embeddings}. */
    public void embeddings(Context ctx) {
        CallContext call = call(ctx);
        EmbeddingsWire.Parsed parsed = EmbeddingsWire.read(body(ctx));
        EmbeddingResponse response = gateway.embed(parsed.request(), call);
        served(ctx, response.served());
        respond(ctx, embeddings.response(response, parsed.request().model(), parsed.base64()));
    }

    /** {@code GET /v1/models}: every alias, the in-process embedding model included. */
    public void models(Context ctx) {
        call(ctx);
        ObjectNode body = json.createObjectNode();
        body.put("object", "list");
        ArrayNode data = body.putArray("data");
        for (ModelInfo model : gateway.models()) {
            data.add(model(model));
        }
        respond(ctx, body);
    }

    /** {@code GET /v1/models/{id}}. */
    public void model(Context ctx) {
        call(ctx);
        String id = ctx.pathParam("id");
        ModelInfo found = gateway.models().stream().filter(m -> m.alias().equals(id)).findFirst()
                .orElseThrow(() -> new BatonException(ErrorCode.NOT_FOUND, "The model '" + id
                        + "' does not exist", List.of(new FieldError("model", "no such model alias"))));
        respond(ctx, model(found));
    }

    private ObjectNode model(ModelInfo model) {
        ObjectNode item = json.createObjectNode();
        item.put("id", model.alias());
        item.put("object", "model");
        item.put("created", started);
        item.put("owned_by", "baton");
        return item;
    }

    /**
     * The caller, its cache opt-out ({@code Cache-Control: no-cache}) and its {@code Idempotency-Key}, which is
     * passed on to the upstream (INVALID_INPUT when blank, over 255 characters or with control characters).
     */
    private CallContext call(Context ctx) {
        Principal principal = RequestPrincipal.of(ctx);
        // its tenant's and key's quotas apply; usage is recorded under them
        CallContext call = CallContext.direct(usagePrincipal(principal))
                .withIdempotencyKey(ctx.header("Idempotency-Key"))
                .withTenant(principal.tenantId(), principal.keyId());
        String cacheControl = ctx.header("Cache-Control");
        if (cacheControl != null) {
            String directives = cacheControl.toLowerCase(Locale.ROOT);
            if (directives.contains("no-cache") || directives.contains("no-store")) {
                return call.withoutCache();
            }
        }
        return call;
    }

    /**
     * Whom a call's usage, limits and budgets are kept under: a configured gateway key's id, the subject of a
     * stored key ({@code key:<id>}) or token ({@code jwt:<sub>}), or {@value CallContext#ANONYMOUS} with auth off.
     */
    static String usagePrincipal(Principal principal) {
        return switch (principal.method()) {
            case GATEWAY_KEY -> principal.subject().substring(Authenticator.GATEWAY_KEY_SUBJECT.length());
            case API_KEY, JWT -> principal.subject();
            case NONE -> CallContext.ANONYMOUS;
        };
    }

    private JsonNode body(Context ctx) {
        String text = ctx.body();
        if (text.isBlank()) {
            throw Param.invalid("body", "a JSON request body is required");
        }
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
            throw Param.invalid("body", "malformed JSON" + where + ": " + e.getOriginalMessage());
        }
    }

    private static void served(Context ctx, Served served) {
        if (served == null) {
            return;
        }
        ctx.header(DEPLOYMENT_HEADER, served.deployment());
        ctx.header(CACHE_HEADER, served.cacheHit() ? "hit" : "miss");
    }

    private void respond(Context ctx, ObjectNode body) {
        ctx.status(200);
        ctx.contentType("application/json");
        ctx.result(body.toString());
    }
}
