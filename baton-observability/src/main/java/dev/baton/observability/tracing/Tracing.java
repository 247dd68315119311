package dev.baton.observability.tracing;

import dev.baton.core.engine.EngineObserver;
import dev.baton.core.error.BatonException;
import dev.baton.gateway.config.SecretRef;
import dev.baton.observability.TracingSettings;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The tracing of one node: an {@link OpenTelemetry} instance for the instrumented parts (gateway, {@code http}
 * step, HTTP server) and the engine's {@link EngineTracing} observer.
 *
 * <p>{@link #start} with tracing enabled builds an {@link OpenTelemetrySdk} (not registered globally):
 * <ul>
 *   <li>resource: {@code service.name} (settings), {@code service.version}, {@code service.instance.id} (a
 *       random UUID per start), plus the SDK's {@code telemetry.sdk.*};</li>
 *   <li>sampler: parent-based; a new trace is sampled by the ratio ({@code sampleRatio}) of the random lower
 *       56 bits of its trace id ({@link RandomnessSampler});</li>
 *   <li>ids: random, except the root span of a run ({@link RunTrace});</li>
 *   <li>processor: a {@link BatchSpanProcessor} (the SDK defaults: 2,048 spans queued, batches of 512 every
 *       5 s; spans beyond the queue are dropped, never waited for) exporting over OTLP/HTTP protobuf to
 *       {@code endpoint} with the JDK's HttpClient ({@code opentelemetry-exporter-sender-jdk});</li>
 *   <li>propagation: W3C trace context ({@code traceparent}, {@code tracestate}).</li>
 * </ul>
 * With tracing disabled it is {@link #off()}: {@link OpenTelemetry#noop()}, no observer, nothing to flush.
 *
 * <p>{@link #close()} flushes what is queued (bounded by the export timeout) and shuts the SDK down. Thread-safe.
 */
public final class Tracing implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Tracing.class);
    private static final Tracing OFF = new Tracing(OpenTelemetry.noop(), null, null, Duration.ZERO);

    private final OpenTelemetry openTelemetry;
    private final OpenTelemetrySdk sdk;
    private final EngineTracing engine;
    private final Duration flushTimeout;

    private Tracing(OpenTelemetry openTelemetry, OpenTelemetrySdk sdk, EngineTracing engine, Duration flushTimeout) {
        this.openTelemetry = openTelemetry;
        this.sdk = sdk;
        this.engine = engine;
        this.flushTimeout = flushTimeout;
    }

    /** No tracing: the no-op API, no observer. */
    public static Tracing off() {
        return OFF;
    }

    /**
     * The node's tracing as {@code settings} say (call {@link TracingSettings#withEnvironment} first to honour the
     * {@code OTEL_*} variables).
     *
     * @param environment resolves the {@code env:} references of {@code settings.headers()}
     * @param version     the {@code service.version} (Baton's version), or {@code null} when unknown
     * @throws BatonException {@code INVALID_INPUT} naming {@code observability.tracing.headers.<name>} when a
     *                        header's secret cannot be read
     */
    public static Tracing start(TracingSettings settings, Map<String, String> environment, String version) {
        if (!settings.enabled()) {
            return OFF;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        settings.headers().forEach((name, ref) -> headers.put(name, secret(name, ref, environment)));
        OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder()
                .setEndpoint(settings.endpoint().toString())
                .setTimeout(settings.exportTimeout())
                .setHeaders(() -> headers)
                // serializes each batch from reused buffers instead of a fresh object graph per span: less garbage
                // (safe here: only the BatchSpanProcessor calls export, one batch at a time)
                .setMemoryMode(MemoryMode.REUSABLE_DATA)
                .build();
        BatchSpanProcessor processor = BatchSpanProcessor.builder(exporter)
                .setExporterTimeout(settings.exportTimeout())
                .build();
        LOG.info("tracing on: OTLP/HTTP to {}, sample ratio {}, service {}", settings.endpoint(),
                settings.sampleRatio(), settings.serviceName());
        return with(processor, settings.sampleRatio(), settings.serviceName(), version,
                settings.exportTimeout());
    }

    /**
     * Tracing into {@code processor} (tests give a {@code SimpleSpanProcessor} over an in-memory exporter).
     *
     * @param sampleRatio  fraction of new traces sampled, 0..1
     * @param flushTimeout the longest {@link #close()} waits for the flush
     */
    public static Tracing with(SpanProcessor processor, double sampleRatio, String serviceName, String version,
                               Duration flushTimeout) {
        Objects.requireNonNull(processor, "processor");
        var resourceAttributes = Attributes.builder()
                .put(AttributeKey.stringKey("service.name"), serviceName)
                .put(AttributeKey.stringKey("service.instance.id"), UUID.randomUUID().toString());
        if (version != null) {
            resourceAttributes.put(AttributeKey.stringKey("service.version"), version);
        }
        RootSpanIds ids = new RootSpanIds();
        RandomnessSampler root = new RandomnessSampler(sampleRatio);
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(resourceAttributes.build())))
                .setSampler(Sampler.parentBased(root))
                .setIdGenerator(ids)
                .addSpanProcessor(processor)
                .build();
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(provider)
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
        return new Tracing(sdk, sdk, new EngineTracing(sdk, ids, root), flushTimeout);
    }

    /** Whether spans are recorded (false: everything is the no-op API). */
    public boolean enabled() {
        return sdk != null;
    }

    /** The API instance to hand to instrumented code; {@link OpenTelemetry#noop()} when off. */
    public OpenTelemetry openTelemetry() {
        return openTelemetry;
    }

    /** The engine observer recording runs and attempts; {@link EngineObserver#NONE} when off. */
    public EngineObserver engineObserver() {
        return engine != null ? engine : EngineObserver.NONE;
    }

    /** Exports what is queued (waiting at most the export timeout), then shuts the SDK down. Idempotent. */
    @Override
    public void close() {
        if (sdk == null) {
            return;
        }
        long millis = Math.max(1, flushTimeout.toMillis());
        sdk.getSdkTracerProvider().forceFlush().join(millis, TimeUnit.MILLISECONDS);
        sdk.shutdown().join(millis, TimeUnit.MILLISECONDS);
    }

    private static String secret(String header, SecretRef ref, Map<String, String> environment) {
        try {
            return ref.resolve(environment);
        } catch (BatonException e) {
            throw BatonException.invalidInput("observability.tracing.headers." + header, e.getMessage());
        }
    }
}
