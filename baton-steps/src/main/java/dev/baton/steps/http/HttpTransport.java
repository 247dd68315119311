package dev.baton.steps.http;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.security.EgressPolicy;
import dev.baton.core.security.HostResolver;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.HttpResponseException;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends one request (one hop) of an {@code http} step over Jetty's {@link HttpClient}s and maps every transport
 * failure to Baton's error model. The clients never follow redirects (the step does, hop by hop, see
 * {@link Redirect}), keep no cookies (exchanges of different runs and tenants must not share state), answer 401 and 407 as
 * any other status (no authentication handshakes), do not
 * decode content encodings (the body is returned as the service sent it, as before), and get every address
 * from an {@link EgressResolver}, so the egress policy is enforced on the address actually connected to.
 * Response heads are limited to {@link HttpStepSettings#maxResponseHeaderBytes()} (the body limit does not cover
 * them), request heads to {@link #MAX_REQUEST_HEADER_BYTES}.
 *
 * <p>The clients share one thread pool ({@link #WORKER_THREADS} plus one selector thread per client, 2 idle
 * threads at least) and one scheduler (Jetty's callbacks are short; the step's own virtual
 * thread waits for the answer) and are spread round-robin ({@link HttpClientPool}). Each allows many
 * connections and queued requests per destination (see {@link #MAX_CONNECTIONS}), since the JDK client it
 * replaced had no such limits and workflows fan out to thousands of concurrent calls. Thread-safe.
 */
final class HttpTransport implements AutoCloseable {
    /** Connections per destination and client (Jetty's default is 64). */
    static final int MAX_CONNECTIONS = 2048;
    /** How long an unused keep-alive connection stays open, in ms (the JDK client's default is 30 s too). */
    static final long IDLE_TIMEOUT_MS = 30_000;
    /** Requests waiting for a connection per destination and client (Jetty's default is 1024). */
    static final int MAX_QUEUED = 65_536;
    /**
     * The largest request head (request line and headers) sent, in bytes: 256 KiB, so that large bearer tokens,
     * SAML assertions and cookies go out as they did on the JDK client, which had no such limit (Jetty's default
     * is 8 KiB). The buffer grows to this size only for a request that needs it.
     */
    static final int MAX_REQUEST_HEADER_BYTES = 256 * 1024;

    private final HttpStepSettings settings;
    /**
     * Threads left for Jetty's callbacks on top of the clients' selectors: every started client leases one thread
     * of the shared pool for its selector for good, so the pool holds this many plus one per client (with a fixed
     * 200, the 198th client could not start and {@code http.clients: 256} failed a quarter of the calls).
     */
    static final int WORKER_THREADS = 200;

    private final QueuedThreadPool threads;
    private final ScheduledExecutorScheduler scheduler = new ScheduledExecutorScheduler("baton-http-scheduler", true);
    private final HttpClientPool<HttpClient> clients;

    HttpTransport(HttpStepSettings settings, EgressPolicy policy, HostResolver resolver) {
        this.settings = settings;
        this.threads = new QueuedThreadPool(WORKER_THREADS + settings.clients(), 2, 60_000);
        threads.setName("baton-http");
        threads.setDaemon(true);
        try {
            // started before any client, so that the clients share them without owning them (Jetty stops only
            // the beans it started)
            threads.start();
            scheduler.start();
        } catch (Exception e) {
            throw new BatonException(ErrorCode.INTERNAL, "could not start the http step's threads: " + e, e);
        }
        EgressResolver egress = new EgressResolver(policy, resolver);
        this.clients = new HttpClientPool<>(settings.clients(), () -> client(egress), HttpTransport::stop);
    }

    private HttpClient client(EgressResolver egress) {
        HttpClient client = new HttpClient();
        client.setSocketAddressResolver(egress);
        client.setFollowRedirects(false);
        client.setHttpCookieStore(new HttpCookieStore.Empty());
        client.getContentDecoderFactories().clear();
        client.setConnectTimeout(settings.connectTimeout().toMillis());
        client.setIdleTimeout(IDLE_TIMEOUT_MS); // pooled keep-alive connections; a request waits as long as its timeout
        client.setMaxConnectionsPerDestination(MAX_CONNECTIONS);
        client.setMaxRequestsQueuedPerDestination(MAX_QUEUED);
        client.setUserAgentField(new HttpField(HttpHeader.USER_AGENT, "Baton"));
        client.setMaxRequestHeadersSize(MAX_REQUEST_HEADER_BYTES);
        client.setMaxResponseHeadersSize(settings.maxResponseHeaderBytes());
        client.setExecutor(threads);
        client.setScheduler(scheduler);
        try {
            client.start();
            // no 401/407 challenge handling, 100-continue or upgrade (registered by start): answers go back to
            // the step as they came
            client.getProtocolHandlers().clear();
        } catch (Exception e) {
            throw new BatonException(ErrorCode.INTERNAL, "could not start the http step's client: " + e, e);
        }
        return client;
    }

    /**
     * Sends {@code hop} and reads its whole answer.
     *
     * @param extra     headers Baton adds (idempotency key, Accept, trace context), unless the hop sets them
     * @param timeoutNs the time left for this hop, in nanoseconds (positive)
     * @throws BatonException       mapped per {@link #failure}
     * @throws InterruptedException when the calling thread is interrupted: the exchange is aborted and its
     *                              connection closed
     */
    LimitedResponse.Answer send(Redirect hop, Map<String, String> extra, long timeoutNs) throws InterruptedException {
        Request request = clients.next().newRequest(hop.uri())
                .method(hop.method().name())
                .followRedirects(false)
                .timeout(timeoutNs, TimeUnit.NANOSECONDS)
                .idleTimeout(timeoutNs, TimeUnit.NANOSECONDS);
        String contentType = null;
        for (Map.Entry<String, String> header : hop.headers().entrySet()) {
            if (header.getKey().equalsIgnoreCase("Content-Type")) {
                contentType = header.getValue();
            }
        }
        String type = contentType != null ? contentType
                : hop.body() == null ? null : hop.body().isContainerNode() ? "application/json"
                : "text/plain; charset=utf-8";
        request.headers(fields -> {
            hop.headers().forEach(fields::add);
            extra.forEach((name, value) -> {
                if (!hop.hasHeader(name)) {
                    fields.put(name, value);
                }
            });
            if (hop.body() != null && !hop.hasHeader("Content-Type")) {
                fields.put(HttpHeader.CONTENT_TYPE, type);
            }
        });
        if (hop.body() != null) {
            String text = hop.body().isContainerNode() ? hop.body().toString() : hop.body().asText();
            request.body(new BytesRequestContent(type, text.getBytes(StandardCharsets.UTF_8)));
        }
        LimitedResponse listener = new LimitedResponse(settings.maxResponseBytes(), hop.method() == HttpMethod.HEAD);
        request.send(listener);
        try {
            return listener.result().get();
        } catch (InterruptedException e) {
            request.abort(e);
            throw e;
        } catch (ExecutionException e) {
            throw failure(hop, e.getCause(), settings.maxResponseHeaderBytes());
        }
    }

    /**
     * The Baton error of a failed exchange: a {@link BatonException} from the egress resolver or the body limit
     * as is (prefixed with the request); timeouts, refused connections, unknown hosts and other I/O failures
     * {@code UPSTREAM_UNAVAILABLE} (retriable); a response Jetty cannot parse (response headers over
     * {@code maxResponseHeaderBytes}, a protocol violation) {@code UPSTREAM_INVALID_RESPONSE}; request headers
     * over {@link #MAX_REQUEST_HEADER_BYTES} {@code INVALID_ARGUMENT} on {@code headers}; anything else
     * {@code STEP_FAILED}.
     */
    static BatonException failure(Redirect hop, Throwable error, int maxResponseHeaderBytes) {
        String target = hop.method() + " " + hop.uri();
        BatonException unparsable = unparsable(target, error, maxResponseHeaderBytes);
        if (unparsable != null) {
            return unparsable;
        }
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof BatonException baton) {
                return baton.code() == ErrorCode.EGRESS_DENIED
                        ? new BatonException(ErrorCode.EGRESS_DENIED, target + ": " + baton.getMessage(), baton)
                        : baton;
            }
        }
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof UnknownHostException) {
                return new BatonException(ErrorCode.UPSTREAM_UNAVAILABLE, target + ": cannot resolve host "
                        + hop.uri().getHost(), error);
            }
        }
        if (error instanceof SocketTimeoutException && String.valueOf(error.getMessage()).toLowerCase(java.util.Locale.ROOT)
                .contains("connect")) {
            return new BatonException(ErrorCode.UPSTREAM_UNAVAILABLE, target + ": connect timed out", error);
        }
        if (error instanceof TimeoutException || error instanceof SocketTimeoutException) {
            return new BatonException(ErrorCode.UPSTREAM_UNAVAILABLE, target + ": timed out waiting for the response",
                    error);
        }
        if (error instanceof ConnectException) {
            String reason = error.getMessage() != null ? error.getMessage() : "connection refused or unreachable";
            return new BatonException(ErrorCode.UPSTREAM_UNAVAILABLE, target + ": connection failed (" + reason + ")",
                    error);
        }
        if (error instanceof IOException || error instanceof RejectedExecutionException) {
            return new BatonException(ErrorCode.UPSTREAM_UNAVAILABLE, target + ": " + error, error);
        }
        if (error instanceof IllegalArgumentException) {
            String message = String.valueOf(error.getMessage());
            if (message.toLowerCase(java.util.Locale.ROOT).contains("header")) {
                // Jetty: "Request headers too large"
                return HttpCall.invalid("headers", "the request headers are larger than " + MAX_REQUEST_HEADER_BYTES
                        + " bytes (" + message + ")");
            }
            return HttpCall.invalid("url", message);
        }
        return new BatonException(ErrorCode.STEP_FAILED, target + ": " + error, error);
    }

    /**
     * The error of a response Jetty's parser refused, or null: Jetty fails the exchange with an
     * {@link HttpResponseException} (a protocol violation) whose cause is an {@link HttpException} carrying the
     * reason, e.g. {@code Response Header Bytes Too Large} once the head passes
     * {@link HttpClient#setMaxResponseHeadersSize}.
     */
    private static BatonException unparsable(String target, Throwable error, int maxResponseHeaderBytes) {
        String reason = null;
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof HttpException http) {
                reason = http.getReason();
            } else if (t instanceof HttpResponseException && reason == null) {
                reason = "";
            }
        }
        if (reason == null) {
            return null;
        }
        String lower = reason.toLowerCase(java.util.Locale.ROOT);
        String what = lower.contains("header") && lower.contains("too large")
                ? "response headers larger than " + maxResponseHeaderBytes + " bytes"
                : "malformed HTTP response" + (reason.isEmpty() ? "" : " (" + reason + ")");
        return new BatonException(ErrorCode.UPSTREAM_INVALID_RESPONSE, target + ": " + what, error);
    }

    private static void stop(HttpClient client) {
        try {
            client.stop();
        } catch (Exception e) {
            // stopping aborts the exchanges in flight; a failure to stop leaves nothing we could still do
        }
    }

    /** Stops the clients (aborting exchanges in flight), then their threads. Idempotent. */
    @Override
    public void close() {
        clients.close();
        try {
            threads.stop();
            scheduler.stop();
        } catch (Exception e) {
            // idem
        }
    }
}
