package dev.baton.gateway.provider.http;

import dev.baton.gateway.config.Timeouts;

import java.net.URI;
import java.util.Map;
import java.util.Objects;

/**
 * One HTTP request to an upstream, as a provider builds it.
 *
 * @param method   {@code GET} or {@code POST}
 * @param uri      the absolute URI
 * @param headers  request headers (authentication included); values may be secrets, so this record's
 *                 {@link #toString()} shows header names only
 * @param body     the JSON body, or {@code null} for none
 * @param timeouts the deployment's timeouts
 * @param target   what is called, for messages: {@code deployment <id>: POST /chat/completions}
 * @param apiKey     the API key in use, only so it can be redacted from messages; {@code null} for none
 * @param deployment the deployment id called (the {@code baton.deployment} attribute of its span), or
 *                   {@code null}
 */
public record UpstreamCall(String method, URI uri, Map<String, String> headers, byte[] body, Timeouts timeouts,
                           String target, String apiKey, String deployment) {

    /** A call not attributed to a deployment. */
    public UpstreamCall(String method, URI uri, Map<String, String> headers, byte[] body, Timeouts timeouts,
                        String target, String apiKey) {
        this(method, uri, headers, body, timeouts, target, apiKey, null);
    }

    public UpstreamCall {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(timeouts, "timeouts");
        Objects.requireNonNull(target, "target");
        headers = Map.copyOf(headers);
    }

    @Override
    public String toString() {
        return "UpstreamCall[" + target + " " + uri + ", headers " + headers.keySet() + "]";
    }
}
