package dev.baton.server.transport;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;

import java.util.Map;

/**
 * Puts the configured security headers ({@link HeaderSettings#effective()}) on every response of a connector,
 * before any handler runs: API answers, problems, event streams and Jetty's own error pages alike. A handler that
 * sets one of them later replaces it. Immutable, thread-safe.
 */
public final class SecurityHeaders implements HttpConfiguration.Customizer {
    private final Map<String, String> headers;

    public SecurityHeaders(HeaderSettings settings) {
        this.headers = settings.effective();
    }

    @Override
    public Request customize(Request request, HttpFields.Mutable responseHeaders) {
        headers.forEach(responseHeaders::put);
        return request;
    }
}
