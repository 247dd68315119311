package dev.baton.observability;

import dev.baton.core.error.BatonException;
import dev.baton.gateway.config.ConfigTree;
import dev.baton.gateway.config.SecretRef;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * OpenTelemetry tracing, exported over OTLP/HTTP (protobuf). Off by default: when {@code enabled} is false no
 * SDK is built and every instrumented path runs against {@code OpenTelemetry.noop()}.
 *
 * <pre>{@code
 * observability:
 *   tracing:
 *     enabled: true
 *     endpoint: http://otel-collector:4318/v1/traces
 *     sampleRatio: 0.25          # keeps 1 in 4 new traces (runs); a sampled/unsampled parent decides for its children
 *     serviceName: baton
 *     exportTimeout: 10s
 *     headers:
 *       Authorization: env:OTLP_AUTH   # values are secret references, never literals
 * }</pre>
 *
 * <p>The standard OpenTelemetry variables override the file when they are set (see {@link #withEnvironment}):
 * {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT} (used as is), else {@code OTEL_EXPORTER_OTLP_ENDPOINT} (with
 * {@code /v1/traces} appended, as the OTLP specification says), {@code OTEL_SERVICE_NAME},
 * {@code OTEL_TRACES_SAMPLER_ARG} (the ratio) and {@code OTEL_SDK_DISABLED=true} (forces tracing off).
 * Precedence: environment variable, then {@code baton.yaml}, then the default.
 *
 * @param enabled       whether spans are recorded and exported
 * @param endpoint      the OTLP/HTTP traces URL ({@code http} or {@code https})
 * @param sampleRatio   fraction of new traces sampled, 0..1: a trace is kept when the lower 56 bits of its trace id
 *                      (uniformly random, also in a run id) are below {@code sampleRatio × 2^56}, so every node
 *                      decides alike; children follow their parent's decision
 * @param serviceName   the {@code service.name} resource attribute
 * @param headers       extra HTTP headers of export requests (e.g. a vendor's API key), as secret references
 *                      resolved when the exporter is built
 * @param exportTimeout the longest one export request may take (also bounds the flush on shutdown)
 */
public record TracingSettings(boolean enabled, URI endpoint, double sampleRatio, String serviceName,
                              Map<String, SecretRef> headers, Duration exportTimeout) {

    /** The OTLP/HTTP collector default of the OpenTelemetry specification. */
    public static final URI DEFAULT_ENDPOINT = URI.create("http://localhost:4318/v1/traces");
    /** The default {@code service.name}. */
    public static final String DEFAULT_SERVICE_NAME = "baton";
    /** The default export timeout (the OpenTelemetry default). */
    public static final Duration DEFAULT_EXPORT_TIMEOUT = Duration.ofSeconds(10);

    /** Tracing off; the other values at their defaults. */
    public static final TracingSettings DEFAULT = new TracingSettings(false, DEFAULT_ENDPOINT, 1.0,
            DEFAULT_SERVICE_NAME, Map.of(), DEFAULT_EXPORT_TIMEOUT);

    private static final Set<String> FIELDS = Set.of("enabled", "endpoint", "sampleRatio", "serviceName",
            "headers", "exportTimeout");

    public TracingSettings {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(serviceName, "serviceName");
        Objects.requireNonNull(exportTimeout, "exportTimeout");
        String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || endpoint.getHost() == null) {
            throw new IllegalArgumentException("endpoint must be an absolute http:// or https:// URL, got '"
                    + endpoint + "'");
        }
        if (!(sampleRatio >= 0 && sampleRatio <= 1)) {
            throw new IllegalArgumentException("sampleRatio must be between 0 and 1, got " + sampleRatio);
        }
        if (serviceName.isBlank()) {
            throw new IllegalArgumentException("serviceName must not be blank");
        }
        if (exportTimeout.isNegative() || exportTimeout.isZero()) {
            throw new IllegalArgumentException("exportTimeout must be positive, got " + exportTimeout);
        }
        headers = Map.copyOf(Objects.requireNonNull(headers, "headers"));
    }

    /** Reads the subsection strictly (missing: {@link #DEFAULT}). */
    static TracingSettings read(ConfigTree tree) {
        tree.fields(FIELDS);
        if (tree.isMissing()) {
            return DEFAULT;
        }
        boolean enabled = tree.get("enabled").bool(DEFAULT.enabled());
        URI endpoint = endpoint(tree.get("endpoint"), DEFAULT_ENDPOINT);
        double ratio = tree.get("sampleRatio").decimal(DEFAULT.sampleRatio(), 0, 1);
        String service = tree.get("serviceName").text(DEFAULT_SERVICE_NAME);
        Map<String, SecretRef> headers = new LinkedHashMap<>();
        tree.get("headers").entries().forEach((name, value) -> {
            if (!HttpHeaderName.isValid(name)) {
                throw ConfigTree.invalid(value.path(), "is not a valid HTTP header name");
            }
            SecretRef secret = value.secret();
            if (secret == null) {
                throw ConfigTree.invalid(value.path(), "is required: a secret reference 'env:VARIABLE' or"
                        + " 'file:/path'");
            }
            headers.put(name, secret);
        });
        Duration timeout = tree.get("exportTimeout").duration(DEFAULT_EXPORT_TIMEOUT);
        if (timeout.isZero() || timeout.isNegative()) {
            throw ConfigTree.invalid(tree.get("exportTimeout").path(), "must be positive, got " + timeout);
        }
        return tree.build(t -> new TracingSettings(enabled, endpoint, ratio, service, headers, timeout));
    }

    /**
     * These settings with the standard OpenTelemetry environment variables applied (they win over the file).
     *
     * @throws BatonException {@code INVALID_INPUT} naming the variable when its value is not valid
     */
    public TracingSettings withEnvironment(Map<String, String> environment) {
        boolean on = enabled && !"true".equalsIgnoreCase(value(environment, "OTEL_SDK_DISABLED"));
        URI url = endpoint;
        String traces = value(environment, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
        String base = value(environment, "OTEL_EXPORTER_OTLP_ENDPOINT");
        if (traces != null) {
            url = endpointVariable("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", traces);
        } else if (base != null) {
            String joined = base.endsWith("/") ? base + "v1/traces" : base + "/v1/traces";
            url = endpointVariable("OTEL_EXPORTER_OTLP_ENDPOINT", joined);
        }
        String service = value(environment, "OTEL_SERVICE_NAME");
        double ratio = sampleRatio;
        String arg = value(environment, "OTEL_TRACES_SAMPLER_ARG");
        if (arg != null) {
            try {
                ratio = Double.parseDouble(arg);
            } catch (NumberFormatException e) {
                ratio = Double.NaN;
            }
            if (!(ratio >= 0 && ratio <= 1)) {
                throw BatonException.invalidInput("OTEL_TRACES_SAMPLER_ARG",
                        "must be a sampling ratio between 0 and 1, got '" + arg + "'");
            }
        }
        return new TracingSettings(on, url, ratio, service != null ? service : serviceName, headers,
                exportTimeout);
    }

    private static String value(Map<String, String> environment, String name) {
        String value = environment.get(name);
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static URI endpointVariable(String variable, String text) {
        URI uri = httpUrl(text);
        if (uri == null) {
            throw BatonException.invalidInput(variable, "must be an absolute http:// or https:// URL, got '" + text
                    + "'");
        }
        return uri;
    }

    private static URI endpoint(ConfigTree tree, URI fallback) {
        String text = tree.text(null);
        if (text == null) {
            return fallback;
        }
        URI uri = httpUrl(text);
        if (uri == null) {
            throw ConfigTree.invalid(tree.path(), "must be an absolute http:// or https:// URL (OTLP/HTTP, e.g. "
                    + DEFAULT_ENDPOINT + "), got '" + text + "'");
        }
        return uri;
    }

    /** {@code text} as an absolute http(s) URL with a host, or {@code null}. */
    private static URI httpUrl(String text) {
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null ? uri : null;
        } catch (URISyntaxException e) {
            return null;
        }
    }
}
