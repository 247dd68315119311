package dev.baton.observability.tracing;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.HttpResponse;
import io.opentelemetry.sdk.common.export.HttpSender;
import io.opentelemetry.sdk.common.export.HttpSenderConfig;
import io.opentelemetry.sdk.common.export.MessageWriter;
import io.opentelemetry.sdk.common.export.RetryPolicy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * One OTLP/HTTP export request at a time per call of {@link #send}, over the JDK's {@link HttpClient}: the
 * serialized (optionally compressed) message is POSTed to the configured endpoint with its content type and
 * headers, within the exporter's timeout, on a virtual thread (or the exporter's executor when one is given).
 *
 * <p>Retries follow the exporter's {@link RetryPolicy} as the OTLP specification asks: statuses 429, 502, 503
 * and 504 and I/O failures the policy accepts (all of them when it names no predicate) are retried with exponential backoff and full jitter (each wait
 * uniformly drawn from zero to {@code initialBackoff × multiplier^(n-1)}, capped at {@code maxBackoff}). Other
 * answers are handed to the exporter, which logs a failed export; spans are dropped, never the application
 * blocked. Thread-safe.
 */
final class JdkHttpSender implements HttpSender {
    private static final Set<Integer> RETRIABLE = Set.of(429, 502, 503, 504);

    private final HttpSenderConfig config;
    private final HttpClient client;
    private final ExecutorService executor;
    private final boolean ownsExecutor;

    JdkHttpSender(HttpSenderConfig config) {
        this.config = config;
        this.ownsExecutor = config.getExecutorService() == null;
        this.executor = ownsExecutor ? Executors.newVirtualThreadPerTaskExecutor() : config.getExecutorService();
        HttpClient.Builder builder = HttpClient.newBuilder()
                .connectTimeout(config.getConnectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1);
        if (config.getSslContext() != null) {
            builder.sslContext(config.getSslContext());
        }
        if (config.getProxyOptions() != null) {
            builder.proxy(config.getProxyOptions().getProxySelector());
        }
        this.client = builder.build();
    }

    @Override
    public void send(MessageWriter writer, Consumer<HttpResponse> onResponse, Consumer<Throwable> onError) {
        byte[] body;
        try {
            body = serialize(writer);
        } catch (IOException | RuntimeException e) {
            onError.accept(e);
            return;
        }
        try {
            executor.execute(() -> {
                try {
                    onResponse.accept(exchange(body));
                } catch (Throwable t) {
                    onError.accept(t);
                }
            });
        } catch (RuntimeException e) {
            onError.accept(e); // rejected: shut down
        }
    }

    private byte[] serialize(MessageWriter writer) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(Math.max(256, writer.getContentLength()));
        if (config.getCompressor() == null) {
            writer.writeMessage(bytes);
        } else {
            try (OutputStream compressed = config.getCompressor().compress(bytes)) {
                writer.writeMessage(compressed);
            }
        }
        return bytes.toByteArray();
    }

    private HttpResponse exchange(byte[] body) throws IOException, InterruptedException {
        RetryPolicy policy = config.getRetryPolicy();
        int maxAttempts = policy == null ? 1 : Math.max(1, policy.getMaxAttempts());
        for (int attempt = 1; ; attempt++) {
            try {
                java.net.http.HttpResponse<InputStream> response =
                        client.send(request(body), java.net.http.HttpResponse.BodyHandlers.ofInputStream());
                byte[] answer = read(response.body());
                if (attempt < maxAttempts && RETRIABLE.contains(response.statusCode())) {
                    pause(policy, attempt);
                    continue;
                }
                return response(response.statusCode(), answer);
            } catch (IOException e) {
                if (attempt >= maxAttempts || policy.getRetryExceptionPredicate() != null
                                              && !policy.getRetryExceptionPredicate().test(e)) {
                    throw e;
                }
                pause(policy, attempt);
            }
        }
    }

    private HttpRequest request(byte[] body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(config.getEndpoint())
                .timeout(config.getTimeout())
                .header("Content-Type", config.getContentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (config.getCompressor() != null) {
            builder.header("Content-Encoding", config.getCompressor().getEncoding());
        }
        Map<String, List<String>> headers = config.getHeadersSupplier() == null ? Map.of()
                : config.getHeadersSupplier().get();
        if (headers != null) {
            headers.forEach((name, values) -> values.forEach(value -> builder.header(name, value)));
        }
        return builder.build();
    }

    private byte[] read(InputStream in) throws IOException {
        try (in) {
            long limit = config.getMaxResponseBodySize();
            return limit > 0 && limit < Integer.MAX_VALUE ? in.readNBytes((int) limit) : in.readAllBytes();
        }
    }

    private static void pause(RetryPolicy policy, int attempt) throws InterruptedException {
        double ceiling = policy.getInitialBackoff().toNanos() * Math.pow(policy.getBackoffMultiplier(), attempt - 1);
        long capped = (long) Math.min(ceiling, policy.getMaxBackoff().toNanos());
        Thread.sleep(Duration.ofNanos(capped <= 0 ? 0 : ThreadLocalRandom.current().nextLong(capped + 1)));
    }

    private static HttpResponse response(int status, byte[] body) {
        return new HttpResponse() {
            @Override
            public int getStatusCode() {
                return status;
            }

            @Override
            public String getStatusMessage() {
                return "HTTP " + status;
            }

            @Override
            public byte[] getResponseBody() {
                return body;
            }
        };
    }

    @Override
    public CompletableResultCode shutdown() {
        if (ownsExecutor) {
            executor.shutdown();
        }
        client.shutdown();
        return CompletableResultCode.ofSuccess();
    }
}
