package dev.baton.steps.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.step.StepContext;
import dev.baton.core.step.StepHandler;
import dev.baton.core.step.StepSignature;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;

/**
 * {@code http}: calls an HTTP service. With {@code {url, method?, headers?, query?, body?, expectStatus?,
 * timeout?}} → {@code {status, headers: {lower-case name: value}, body}} where {@code body} is the parsed JSON when
 * the response is JSON ({@code application/json} or {@code +json}), else the text (null for HEAD or no body).
 *
 * <ul>
 *   <li>Body: an object or array is sent as JSON ({@code Content-Type: application/json}); any other value as
 *       text ({@code text/plain; charset=utf-8}); an explicit {@code Content-Type} header wins.</li>
 *   <li>Every method but GET carries {@code Idempotency-Key: <context.idempotencyKey()>} (unless the step sets
 *       one), so a retried or resumed attempt can be deduplicated by the service.</li>
 *   <li>Timeout: the step's {@code timeout} (default from {@link HttpStepSettings}), never more than the attempt's
 *       remaining time.</li>
 *   <li>Errors: statuses per {@link HttpStatusMapping}; timeouts and connection failures →
 *       {@code UPSTREAM_UNAVAILABLE} (retriable); malformed JSON or a body over the size limit →
 *       {@code UPSTREAM_INVALID_RESPONSE}; bad arguments → {@code INVALID_ARGUMENT} naming the argument.</li>
 *   <li>Cancellation: interrupting the attempt's thread aborts the exchange and closes its connection.</li>
 *   <li>Tracing: each request is a CLIENT span ({@link HttpSpan}) under the current span (the step attempt's),
 *       and its context goes out as {@code traceparent}/{@code tracestate}, unless the step sets a
 *       {@code traceparent} header itself: a header the workflow author wrote is sent as written (they chose
 *       what the service should link to). With the default {@link OpenTelemetry#noop()} nothing is recorded or
 *       added.</li>
 * </ul>
 *
 * <p>Exchanges are spread round-robin over {@link HttpStepSettings#clients()} {@link HttpClient}s (HTTP/2 with
 * fallback to HTTP/1.1, redirects followed except https→http, virtual-thread executor), each built on first use:
 * one client's internal locks become the bottleneck with thousands of concurrent requests (see
 * {@link HttpClientPool}). Thread-safe.
 */
public final class HttpStep implements StepHandler, AutoCloseable {
    /** Secrets ({@code {{ secrets.NAME }}}) only in header values and the body: see docs/security.md "Secrets". */
    static final StepSignature SIGNATURE = new StepSignature(Set.of("url"),
            Set.of("method", "headers", "query", "body", "expectStatus", "timeout"), Set.of("headers.*", "body"));
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ERROR_BODY_PREVIEW = 300;

    private static final TextMapSetter<HttpRequest.Builder> HEADERS = (builder, name, value) -> {
        if (builder != null) {
            builder.setHeader(name, value);
        }
    };

    private final HttpClientPool clients;
    private final HttpStepSettings settings;
    private final Tracer tracer; // null when tracing is off (HttpSpan.tracer)
    private final TextMapPropagator propagator;

    /** A step with {@link HttpStepSettings#defaults()} and its own clients. */
    public HttpStep() {
        this(HttpStepSettings.defaults());
    }

    public HttpStep(HttpStepSettings settings) {
        this(settings, OpenTelemetry.noop());
    }

    /** A step whose requests are traced into {@code openTelemetry}. */
    public HttpStep(HttpStepSettings settings, OpenTelemetry openTelemetry) {
        this.settings = settings;
        this.tracer = HttpSpan.tracer(openTelemetry);
        this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
        this.clients = new HttpClientPool(settings.clients(), () -> HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_2)
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NORMAL)
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build());
    }

    @Override
    public String type() {
        return "http";
    }

    @Override
    public StepSignature signature() {
        return SIGNATURE;
    }

    @Override
    public JsonNode execute(StepContext context, JsonNode arguments) throws InterruptedException {
        HttpCall call = HttpCall.parse(arguments);
        Duration timeout = call.timeout() == null ? settings.defaultTimeout() : call.timeout();
        Duration remaining = context.remaining();
        if (remaining.compareTo(timeout) < 0) {
            timeout = remaining;
        }
        if (timeout.isZero()) {
            throw new BatonException(ErrorCode.TIMEOUT, "no time left in the attempt to call " + call.uri());
        }
        HttpSpan span = HttpSpan.start(tracer, call.method().name(), call.uri());
        try {
            HttpRequest request = request(call, context, timeout, span.context());
            HttpResponse<byte[]> response = send(request, call);

            int status = response.statusCode();
            span.status(status);
            var error = HttpStatusMapping.errorFor(status, call.expectStatus());
            if (error.isPresent()) {
                throw new BatonException(error.get(), call.method() + " " + call.uri() + " answered " + status
                        + (call.expectStatus().isEmpty() ? "" : " (expected " + call.expectStatus() + ")")
                        + preview(response));
            }
            ObjectNode output = JsonNodeFactory.instance.objectNode();
            output.put("status", status);
            output.set("headers", headers(response.headers()));
            output.set("body", body(call, response));
            return output;
        } catch (RuntimeException | Error | InterruptedException e) {
            span.failed(e);
            throw e;
        } finally {
            span.end();
        }
    }

    private HttpRequest request(HttpCall call, StepContext context, Duration timeout, Context trace) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(call.uri()).timeout(timeout);
        for (Map.Entry<String, String> header : call.headers().entrySet()) {
            try {
                builder.header(header.getKey(), header.getValue());
            } catch (IllegalArgumentException e) {
                throw HttpCall.invalid("headers." + header.getKey(), e.getMessage());
            }
        }
        if (call.method().sendsIdempotencyKey() && !call.hasHeader("Idempotency-Key")) {
            builder.header("Idempotency-Key", context.idempotencyKey());
        }
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.noBody();
        if (call.body() != null) {
            boolean json = call.body().isContainerNode();
            if (!call.hasHeader("Content-Type")) {
                builder.header("Content-Type", json ? "application/json" : "text/plain; charset=utf-8");
            }
            String text = json ? call.body().toString() : call.body().asText();
            body = HttpRequest.BodyPublishers.ofString(text, StandardCharsets.UTF_8);
        }
        if (!call.hasHeader("Accept")) {
            builder.header("Accept", "application/json, text/*;q=0.9, */*;q=0.8");
        }
        if (!call.hasHeader("traceparent")) {
            propagator.inject(trace, builder, HEADERS);
        }
        return builder.method(call.method().name(), body).build();
    }

    private HttpResponse<byte[]> send(HttpRequest request, HttpCall call) throws InterruptedException {
        CompletableFuture<HttpResponse<byte[]>> exchange =
                clients.next().sendAsync(request, LimitedBody.handler(settings.maxResponseBytes()));
        try {
            return exchange.get();
        } catch (InterruptedException e) {
            exchange.cancel(true);
            throw e;
        } catch (ExecutionException | CancellationException e) {
            throw failure(call, e instanceof ExecutionException ? e.getCause() : e);
        }
    }

    private static BatonException failure(HttpCall call, Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof BatonException baton) {
                return baton;
            }
        }
        String target = call.method() + " " + call.uri();
        if (error instanceof HttpConnectTimeoutException) {
            return new BatonException(ErrorCode.UPSTREAM_UNAVAILABLE, target + ": connect timed out", error);
        }
        if (error instanceof HttpTimeoutException) {
            return new BatonException(ErrorCode.UPSTREAM_UNAVAILABLE, target + ": timed out waiting for the response",
                    error);
        }
        if (error instanceof ConnectException) {
            // The JDK often leaves the message null (e.g. connection refused): fall back to the cause's.
            String reason = error.getMessage() != null ? error.getMessage()
                    : error.getCause() != null && error.getCause().getMessage() != null ? error.getCause().getMessage()
                    : "connection refused or unreachable";
            return new BatonException(ErrorCode.UPSTREAM_UNAVAILABLE, target + ": connection failed (" + reason + ")",
                    error);
        }
        if (error instanceof IOException) {
            return new BatonException(ErrorCode.UPSTREAM_UNAVAILABLE, target + ": " + error, error);
        }
        if (error instanceof IllegalArgumentException) {
            return HttpCall.invalid("url", error.getMessage());
        }
        return new BatonException(ErrorCode.STEP_FAILED, target + ": " + error, error);
    }

    private static ObjectNode headers(HttpHeaders headers) {
        Map<String, String> sorted = new TreeMap<>();
        headers.map().forEach((name, values) -> {
            if (!name.startsWith(":")) {
                sorted.merge(name.toLowerCase(Locale.ROOT), String.join(", ", values), (a, b) -> a + ", " + b);
            }
        });
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        sorted.forEach(node::put);
        return node;
    }

    private static JsonNode body(HttpCall call, HttpResponse<byte[]> response) {
        byte[] bytes = response.body();
        if (call.method() == HttpMethod.HEAD || bytes == null || bytes.length == 0) {
            return NullNode.getInstance();
        }
        String contentType = response.headers().firstValue("content-type").orElse("").toLowerCase(Locale.ROOT);
        String text = new String(bytes, charset(contentType));
        if (!isJson(contentType)) {
            return JsonNodeFactory.instance.textNode(text);
        }
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new BatonException(ErrorCode.UPSTREAM_INVALID_RESPONSE, call.method() + " " + call.uri()
                    + " answered malformed JSON (" + e.getOriginalMessage() + ")" + preview(text));
        }
    }

    static boolean isJson(String contentType) {
        String mediaType = contentType.split(";", 2)[0].trim();
        return mediaType.equals("application/json") || mediaType.endsWith("+json");
    }

    private static Charset charset(String contentType) {
        for (String parameter : contentType.split(";")) {
            String p = parameter.trim();
            if (p.startsWith("charset=")) {
                try {
                    return Charset.forName(p.substring(8).replace("\"", "").trim());
                } catch (IllegalArgumentException e) {
                    return StandardCharsets.UTF_8;
                }
            }
        }
        return StandardCharsets.UTF_8;
    }

    private static String preview(HttpResponse<byte[]> response) {
        byte[] body = response.body();
        return body == null || body.length == 0 ? "" : preview(new String(body, StandardCharsets.UTF_8));
    }

    private static String preview(String text) {
        String oneLine = text.strip().replaceAll("\\s+", " ");
        if (oneLine.isEmpty()) {
            return "";
        }
        return ": " + (oneLine.length() > ERROR_BODY_PREVIEW ? oneLine.substring(0, ERROR_BODY_PREVIEW) + "…" : oneLine);
    }

    /** Closes the clients, aborting exchanges in flight. */
    @Override
    public void close() {
        clients.close();
    }
}
