package dev.baton.gateway.provider.http;

import dev.baton.core.error.BatonException;
import dev.baton.gateway.config.Deployment;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Where and how to call one deployment: its base URL, its API key (resolved from its {@link
 * dev.baton.gateway.config.SecretRef} on every call, so a rotated secret file or variable is picked up) and its
 * extra headers. Builds {@link UpstreamCall}s.
 *
 * @param deployment the deployment
 * @param apiKey     the resolved key, or {@code null} when the deployment has none; never printed by
 *                   {@link #toString()}
 */
public record Endpoint(Deployment deployment, String apiKey) {

    public Endpoint {
        Objects.requireNonNull(deployment, "deployment");
        if (deployment.baseUrl() == null) {
            throw BatonException.invalidInput("deployments." + deployment.id() + ".baseUrl",
                    "is required for provider " + deployment.provider());
        }
    }

    /**
     * Resolves the deployment's key from {@code environment}.
     *
     * @throws BatonException {@code INVALID_INPUT} naming the reference when the secret is missing
     */
    public static Endpoint of(Deployment deployment, Map<String, String> environment) {
        return new Endpoint(deployment, deployment.apiKey() == null ? null : deployment.apiKey().resolve(environment));
    }

    /**
     * A call to {@code path} (e.g. {@code /chat/completions}) under the base URL.
     *
     * @param auth headers carrying the key (added after the deployment's own headers, so they win)
     * @param body the JSON body or {@code null}
     */
    public UpstreamCall call(String method, String path, Map<String, String> auth, byte[] body) {
        Map<String, String> headers = new LinkedHashMap<>(deployment.headers());
        headers.putAll(auth);
        headers.putIfAbsent("Accept", "application/json");
        return new UpstreamCall(method, uri(path), headers, body, deployment.timeouts(),
                "deployment " + deployment.id() + ": " + method + " " + path, apiKey, deployment.id());
    }

    /** The base URL joined with {@code path}, tolerant of a trailing slash on the base. */
    public URI uri(String path) {
        String base = deployment.baseUrl().toString();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return URI.create(base + path);
    }

    @Override
    public String toString() {
        return "Endpoint[" + deployment.id() + " " + deployment.baseUrl() + "]";
    }
}
