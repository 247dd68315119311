package dev.baton.steps.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.security.EgressPolicy;
import dev.baton.core.security.HostResolver;
import dev.baton.core.step.StepContext;
import dev.baton.core.step.StepHandler;
import dev.baton.core.step.StepSignature;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

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
 *       remaining time; it bounds the whole exchange, redirects included.</li>
 *   <li>Egress: every connection goes only to addresses the node's {@link EgressPolicy} allows, checked on the
 *       addresses actually connected to ({@link EgressResolver}); redirects are followed by the step, at most
 *       {@value Redirect#MAX_REDIRECTS}, each hop checked again ({@link Redirect}). A refused address fails the
 *       step with {@code EGRESS_DENIED} (not retried) naming the host, the address and its class.</li>
 *   <li>Secrets: a header or body holding a secret ({@link StepContext#secretArguments()}) is never carried by a
 *       redirect to another origin: such headers are dropped, and a redirect that would re-send such a body
 *       fails the step with {@code UPSTREAM_REJECTED} (see {@link Redirect}).</li>
 *   <li>Errors: statuses per {@link HttpStatusMapping}; timeouts, connection failures and unknown hosts →
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
 * <p>The transport is Jetty's HTTP/1.1 client ({@link HttpTransport}): unlike the JDK's, it lets Baton choose the
 * addresses a connection goes to. Exchanges are spread round-robin over {@link HttpStepSettings#clients()}
 * clients, each built on first use (see {@link HttpClientPool}). Thread-safe.
 */
public final class HttpStep implements StepHandler, AutoCloseable {
    /** Secrets ({@code {{ secrets.NAME }}}) only in header values and the body: see docs/security.md "Secrets". */
    static final StepSignature SIGNATURE = new StepSignature(Set.of("url"),
            Set.of("method", "headers", "query", "body", "expectStatus", "timeout"), Set.of("headers.*", "body"));
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ERROR_BODY_PREVIEW = 300;

    private static final TextMapSetter<Map<String, String>> HEADERS = (headers, name, value) -> {
        if (headers != null) {
            headers.put(name, value);
        }
    };

    private final HttpTransport transport;
    private final HttpStepSettings settings;
    private final Tracer tracer; // null when tracing is off (HttpSpan.tracer)
    private final TextMapPropagator propagator;

    /** A step with {@link HttpStepSettings#defaults()}, the default egress policy and its own clients. */
    public HttpStep() {
        this(HttpStepSettings.defaults());
    }

    /** A step under the default egress policy ({@link EgressPolicy#DEFAULT}: loopback, private... denied). */
    public HttpStep(HttpStepSettings settings) {
        this(settings, OpenTelemetry.noop());
    }

    /** A step under the default egress policy whose requests are traced into {@code openTelemetry}. */
    public HttpStep(HttpStepSettings settings, OpenTelemetry openTelemetry) {
        this(settings, openTelemetry, EgressPolicy.DEFAULT);
    }

    /** A step under {@code egress}, resolving names with the system resolver. */
    public HttpStep(HttpStepSettings settings, OpenTelemetry openTelemetry, EgressPolicy egress) {
        this(settings, openTelemetry, egress, HostResolver.SYSTEM);
    }

    /**
     * @param egress   which addresses requests (and their redirects) may reach
     * @param resolver where host names are looked up (the only lookup a connection gets; tests inject answers)
     */
    public HttpStep(HttpStepSettings settings, OpenTelemetry openTelemetry, EgressPolicy egress,
                    HostResolver resolver) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.tracer = HttpSpan.tracer(openTelemetry);
        this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
        this.transport = new HttpTransport(settings, egress, resolver);
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
            LimitedResponse.Answer response = exchange(call, context, System.nanoTime() + timeout.toNanos(),
                    span.context());
            int status = response.status();
            span.status(status);
            var error = HttpStatusMapping.errorFor(status, call.expectStatus());
            if (error.isPresent()) {
                throw new BatonException(error.get(), call.method() + " " + call.uri() + " answered " + status
                        + (call.expectStatus().isEmpty() ? "" : " (expected " + call.expectStatus() + ")")
                        + preview(response.body()));
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

    /** Sends the call and follows its redirects hop by hop until an answer that is not one, or the deadline. */
    private LimitedResponse.Answer exchange(HttpCall call, StepContext context, long deadline, Context trace)
            throws InterruptedException {
        Redirect hop = Redirect.first(call, context.secretArguments());
        for (int hops = 0; ; hops++) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new BatonException(ErrorCode.UPSTREAM_UNAVAILABLE, call.method() + " " + call.uri()
                        + ": timed out waiting for the response (after " + hops + " redirect(s))");
            }
            LimitedResponse.Answer answer = transport.send(hop, extraHeaders(hop, context, trace), left);
            Optional<Redirect> next = hop.next(answer.status(), answer.headers().get(HttpHeader.LOCATION), hops);
            if (next.isEmpty()) {
                return answer;
            }
            hop = next.get();
        }
    }

    /** The headers Baton adds to a hop unless the workflow set them: idempotency key, Accept, trace context. */
    private Map<String, String> extraHeaders(Redirect hop, StepContext context, Context trace) {
        Map<String, String> extra = new LinkedHashMap<>();
        if (hop.method().sendsIdempotencyKey()) {
            extra.put("Idempotency-Key", context.idempotencyKey());
        }
        extra.put("Accept", "application/json, text/*;q=0.9, */*;q=0.8");
        if (!hop.hasHeader("traceparent")) {
            propagator.inject(trace, extra, HEADERS);
        }
        return extra;
    }

    private static ObjectNode headers(HttpFields headers) {
        Map<String, String> sorted = new TreeMap<>();
        for (HttpField field : headers) {
            sorted.merge(field.getName().toLowerCase(Locale.ROOT), field.getValue(), (a, b) -> a + ", " + b);
        }
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        sorted.forEach(node::put);
        return node;
    }

    private static JsonNode body(HttpCall call, LimitedResponse.Answer response) {
        byte[] bytes = response.body();
        if (call.method() == HttpMethod.HEAD || bytes == null || bytes.length == 0) {
            return NullNode.getInstance();
        }
        String contentType = Optional.ofNullable(response.headers().get(HttpHeader.CONTENT_TYPE)).orElse("")
                .toLowerCase(Locale.ROOT);
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

    private static String preview(byte[] body) {
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
        transport.close();
    }
}
