package dev.baton.gateway.provider.http;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.security.EgressPolicy;
import dev.baton.core.security.HostResolver;
import dev.baton.gateway.config.Timeouts;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The HTTP transport of the HTTP providers: sends one {@link UpstreamCall} and enforces the deployment's
 * {@link Timeouts}:
 * <ul>
 *   <li>{@code connect}: the HTTP client's connect timeout (one shared client per distinct connect timeout);</li>
 *   <li>{@code read}: until the response headers, and between two reads of a non-streamed body;</li>
 *   <li>{@code total}: the whole non-streamed attempt, headers and body;</li>
 *   <li>{@code firstToken}: streams, from sending the request until the provider reports its first token
 *       ({@link UpstreamStream#firstTokenReceived()});</li>
 *   <li>{@code idle}: streams, the longest wait for more bytes after the first token.</li>
 * </ul>
 * Deadlines are enforced by the reading thread itself (a bounded wait for the next piece of body, see
 * {@link DeadlineBody}), so no timer thread is needed; when one passes the exchange is cancelled (its
 * connection closed) and {@code TIMEOUT} is thrown naming the timeout. Every failure is mapped by
 * {@link UpstreamFailures}.
 *
 * <p>HTTP/1.1 is used for {@code http://} upstreams (local servers; no h2c upgrade dance), HTTP/2 with fallback to
 * HTTP/1.1 for {@code https://}. Redirects are not followed (an API that redirects is misconfigured).
 *
 * <p>Tracing: each exchange is a CLIENT span ({@link UpstreamSpan}) under the current span (the gateway call),
 * and the injected {@link OpenTelemetry}'s propagators write its context into the request ({@code traceparent});
 * a stream's span ends when the stream is closed. With the default {@link OpenTelemetry#noop()} nothing is
 * recorded or sent.
 *
 * <p>Egress: given an {@link EgressPolicy}, every exchange first resolves the base URL's host and refuses it
 * ({@code EGRESS_DENIED}) unless the policy allows <em>every</em> one of its addresses (the JDK client connects
 * to the first address of its own answer, so one allowed address among refused ones is not enough); a host that
 * does not resolve fails the exchange ({@code UPSTREAM_UNAVAILABLE}). The JDK client then resolves the name
 * again to connect; the JVM's address cache (positive answers kept {@code networkaddress.cache.ttl}, 30 s by
 * default) normally hands it the answer just checked, but an entry expiring between the two lookups leaves a
 * window in which a changed DNS answer would be connected to unchecked. Provider base URLs are operator
 * configuration, not workflow input, so this residual window is accepted here; the {@code http} step, whose URLs
 * come from workflows, connects only to checked addresses. Without a policy (the library constructors) nothing
 * is checked.
 *
 * <p>Thread-safe; share one instance per process (it owns the clients and their connection pools). Close it to
 * shut the clients down.
 */
public final class UpstreamHttp implements AutoCloseable {
    /** The largest non-streamed body accepted (embeddings of large batches are big). */
    static final int MAX_BODY_BYTES = 256 * 1024 * 1024;
    /** The most of an error body read to quote its message. */
    static final int MAX_ERROR_BYTES = 64 * 1024;

    private static final TextMapSetter<HttpRequest.Builder> HEADERS = (builder, name, value) -> {
        if (builder != null) {
            builder.setHeader(name, value);
        }
    };

    private final InstantSource clock;
    private final Tracer tracer;
    private final TextMapPropagator propagator;
    private final ConcurrentHashMap<Duration, HttpClient> clients = new ConcurrentHashMap<>();
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final EgressPolicy egress;
    private final HostResolver resolver;
    private volatile boolean closed;

    /** A transport on the system clock. */
    public UpstreamHttp() {
        this(InstantSource.system());
    }

    /** @param clock the wall clock, used only to read HTTP-date {@code Retry-After} values */
    public UpstreamHttp(InstantSource clock) {
        this(clock, OpenTelemetry.noop());
    }

    /**
     * @param clock         the wall clock, used only to read HTTP-date {@code Retry-After} values
     * @param openTelemetry where the spans of upstream attempts go and how their context is propagated
     */
    public UpstreamHttp(InstantSource clock, OpenTelemetry openTelemetry) {
        this(clock, openTelemetry, EgressPolicy.DISABLED, HostResolver.SYSTEM);
    }

    /**
     * @param clock         the wall clock, used only to read HTTP-date {@code Retry-After} values
     * @param openTelemetry where the spans of upstream attempts go and how their context is propagated
     * @param egress        which addresses upstreams may have (checked before every exchange)
     * @param resolver      where the check looks host names up
     */
    public UpstreamHttp(InstantSource clock, OpenTelemetry openTelemetry, EgressPolicy egress,
                        HostResolver resolver) {
        this.egress = Objects.requireNonNull(egress, "egress");
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.tracer = UpstreamSpan.tracer(openTelemetry); // null when tracing is off
        this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
    }

    /**
     * Sends a non-streamed request and reads the whole answer.
     *
     * @return the 2xx answer
     * @throws BatonException mapped per {@link UpstreamFailures}: a non-2xx status, a transport failure, a
     *                        timeout ({@code read} or {@code total}), interruption
     */
    public UpstreamResponse send(UpstreamCall call) {
        UpstreamSpan span = UpstreamSpan.start(tracer, call);
        try {
            return send(call, span);
        } catch (RuntimeException | Error e) {
            span.failed(e);
            throw e;
        } finally {
            span.end();
        }
    }

    private UpstreamResponse send(UpstreamCall call, UpstreamSpan span) {
        Timeouts t = call.timeouts();
        long start = System.nanoTime();
        long total = start + t.total().toNanos();
        String totalName = name("total timeout", t.total());
        String readName = name("read timeout", t.read());
        long headers = start + t.read().toNanos();
        HttpResponse<InputStream> response = exchange(call, span,
                Math.min(headers, total), headers <= total ? readName : totalName);
        span.status(response.statusCode());
        DeadlineBody body = (DeadlineBody) response.body();
        try {
            int limit = success(response.statusCode()) ? MAX_BODY_BYTES : MAX_ERROR_BYTES;
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(8192);
            byte[] buffer = new byte[16384];
            while (bytes.size() <= limit) {
                long next = System.nanoTime() + t.read().toNanos();
                body.deadline(Math.min(next, total), next <= total ? readName : totalName);
                int n = body.read(buffer, 0, buffer.length);
                if (n < 0) {
                    break;
                }
                bytes.write(buffer, 0, n);
            }
            if (!success(response.statusCode())) {
                throw UpstreamFailures.forStatus(call.target(), response.statusCode(), response.headers(),
                        bytes.toByteArray(), call.apiKey(), clock.instant());
            }
            if (bytes.size() > limit) {
                throw UpstreamFailures.invalidResponse(call.target(), "body larger than " + limit + " bytes", null);
            }
            return new UpstreamResponse(response.statusCode(), response.headers(), bytes.toByteArray(), call.target());
        } catch (IOException e) {
            throw UpstreamFailures.forTransport(call.target(), e, call.apiKey());
        } finally {
            body.close();
        }
    }

    /**
     * Sends a streaming request and returns once the response headers arrived with a 2xx status and a
     * {@code text/event-stream} content type. The caller reads the events and closes the stream.
     *
     * @throws BatonException mapped per {@link UpstreamFailures}; a 2xx answer that is not an event stream is
     *                        {@code UPSTREAM_INVALID_RESPONSE}
     */
    public UpstreamStream stream(UpstreamCall call) {
        UpstreamSpan span = UpstreamSpan.start(tracer, call);
        try {
            return stream(call, span);
        } catch (RuntimeException | Error e) {
            span.failed(e);
            span.end();
            throw e;
        }
    }

    private UpstreamStream stream(UpstreamCall call, UpstreamSpan span) {
        Timeouts t = call.timeouts();
        long start = System.nanoTime();
        boolean readFirst = t.read().compareTo(t.firstToken()) < 0;
        HttpResponse<InputStream> response = exchange(call, span,
                start + (readFirst ? t.read() : t.firstToken()).toNanos(),
                readFirst ? name("read timeout", t.read()) : name("first-token timeout", t.firstToken()));
        span.status(response.statusCode());
        DeadlineBody body = (DeadlineBody) response.body();
        String type = response.headers().firstValue("content-type").orElse("").toLowerCase(Locale.ROOT);
        if (success(response.statusCode()) && type.startsWith("text/event-stream")) {
            return new UpstreamStream(call, body, start, span);
        }
        try {
            body.deadline(System.nanoTime() + t.read().toNanos(), name("read timeout", t.read()));
            byte[] bytes = body.readNBytes(MAX_ERROR_BYTES);
            if (!success(response.statusCode())) {
                throw UpstreamFailures.forStatus(call.target(), response.statusCode(), response.headers(), bytes,
                        call.apiKey(), clock.instant());
            }
            throw UpstreamFailures.invalidResponse(call.target(), "expected text/event-stream, got "
                    + (type.isEmpty() ? "no content type" : type) + ": " + UpstreamFailures.preview(bytes), null);
        } catch (IOException e) {
            throw UpstreamFailures.forTransport(call.target(), e, call.apiKey());
        } finally {
            body.close();
        }
    }

    private HttpResponse<InputStream> exchange(UpstreamCall call, UpstreamSpan span, long deadline, String which) {
        if (closed) {
            throw new BatonException(ErrorCode.NOT_READY, call.target() + ": the HTTP transport has been closed");
        }
        checkEgress(call);
        HttpRequest request = request(call, span);
        CompletableFuture<HttpResponse<InputStream>> exchange =
                client(call.timeouts().connect()).sendAsync(request, info -> new DeadlineBody());
        try {
            return exchange.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            abandon(exchange);
            throw UpstreamFailures.timeout(call.target(), which);
        } catch (InterruptedException e) {
            abandon(exchange);
            throw UpstreamFailures.cancelled(call.target());
        } catch (ExecutionException e) {
            throw UpstreamFailures.forTransport(call.target(), e.getCause(), call.apiKey());
        } catch (CancellationException e) {
            throw UpstreamFailures.forTransport(call.target(), e, call.apiKey());
        }
    }

    /**
     * Refuses the call unless the policy allows every address of its host ({@link EgressPolicy#requireAll}): the
     * JDK client connects to the first address of its own answer, not to one we choose, so an answer mixing
     * allowed and refused addresses is refused as a whole. A host that does not resolve fails the call
     * ({@code UPSTREAM_UNAVAILABLE}, retriable) instead of letting the JDK client resolve it unchecked.
     */
    private void checkEgress(UpstreamCall call) {
        if (!egress.enabled() || call.uri().getHost() == null) {
            return;
        }
        try {
            egress.requireAll(call.uri().getHost(), resolver);
        } catch (UnknownHostException e) {
            throw new BatonException(ErrorCode.UPSTREAM_UNAVAILABLE, call.target() + ": cannot resolve host "
                    + call.uri().getHost() + " (egress check)", e);
        } catch (BatonException e) {
            throw new BatonException(ErrorCode.EGRESS_DENIED, call.target() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Gives up on an exchange: cancels it, and closes the body of a response that arrived in the meantime (the
     * headers can land just as the deadline passes), so its connection is not left half-read.
     */
    private static void abandon(CompletableFuture<HttpResponse<InputStream>> exchange) {
        exchange.cancel(true);
        exchange.thenAccept(response -> ((DeadlineBody) response.body()).close());
    }

    private HttpRequest request(UpstreamCall call, UpstreamSpan span) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(call.uri());
        if ("http".equalsIgnoreCase(call.uri().getScheme())) {
            builder.version(HttpClient.Version.HTTP_1_1);
        }
        for (Map.Entry<String, String> header : call.headers().entrySet()) {
            try {
                builder.header(header.getKey(), header.getValue());
            } catch (IllegalArgumentException e) {
                throw BatonException.invalidInput("headers." + header.getKey(),
                        "cannot be sent (restricted or malformed header name/value)");
            }
        }
        HttpRequest.BodyPublisher body = call.body() == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(call.body());
        if (call.body() != null) {
            builder.header("Content-Type", "application/json");
        }
        propagator.inject(span.context(), builder, HEADERS);
        return builder.method(call.method(), body).build();
    }

    private HttpClient client(Duration connectTimeout) {
        return clients.computeIfAbsent(connectTimeout, timeout -> HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(executor)
                .build());
    }

    private static boolean success(int status) {
        return status >= 200 && status <= 299;
    }

    static String name(String timeout, Duration value) {
        return timeout + " (" + value.toMillis() + " ms)";
    }

    /** Shuts the clients down, aborting exchanges in flight. Idempotent. */
    @Override
    public void close() {
        closed = true;
        clients.values().forEach(HttpClient::shutdownNow);
        clients.clear();
        executor.shutdownNow();
    }
}
