package dev.baton.steps.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import org.eclipse.jetty.http.HttpHeader;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One request of an {@code http} step's exchange, and the rule that turns a redirect answer into the next one.
 * Baton follows redirects itself, one hop at a time, so that every hop goes through the egress policy again
 * (a public service answering {@code 302 Location: http://169.254.169.254/} gets nowhere).
 *
 * <p>The rules are those of the JDK's {@code HttpClient.Redirect.NORMAL}, which the step used before, and of
 * RFC 9110 §15.4: 301, 302, 303, 307 and 308 with a {@code Location} are followed, except from https to http
 * (the redirect answer is then the step's answer); 303 turns the request into a GET (HEAD stays HEAD) without a
 * body, and so do 301 and 302 for a POST; 307 and 308 repeat the method and body. A hop to another origin
 * (scheme, host, port) drops {@code Authorization}, {@code Proxy-Authorization} and {@code Cookie}, as browsers
 * and curl do: credentials meant for one service are not handed to wherever it points.
 *
 * @param uri     absolute http(s) URI
 * @param method  request method
 * @param headers request headers as the workflow wrote them (without the ones Baton adds per hop)
 * @param body    the body, or null
 */
record Redirect(URI uri, HttpMethod method, Map<String, String> headers, JsonNode body) {
    /** The most redirects followed in one exchange (the JDK client's default, {@code jdk.httpclient.redirects.retrylimit}). */
    static final int MAX_REDIRECTS = 5;
    private static final Set<Integer> STATUSES = Set.of(301, 302, 303, 307, 308);
    private static final Set<String> CREDENTIALS = Set.of("authorization", "proxy-authorization", "cookie");

    Redirect {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(method, "method");
        headers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    /** The first request of a call. */
    static Redirect first(HttpCall call) {
        return new Redirect(call.uri(), call.method(), call.headers(), call.body());
    }

    /**
     * The request a response asks for next, or empty when the response is the answer (not a redirect, no
     * {@code Location}, or a downgrade from https to http).
     *
     * @param hops redirects followed so far
     * @throws BatonException UPSTREAM_INVALID_RESPONSE for a {@code Location} that is no http(s) URL;
     *                        UPSTREAM_REJECTED when more than {@value #MAX_REDIRECTS} redirects would be followed
     */
    Optional<Redirect> next(int status, String location, int hops) {
        if (!STATUSES.contains(status) || location == null || location.isBlank()) {
            return Optional.empty();
        }
        URI target;
        try {
            target = uri.resolve(new URI(location.strip()));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new BatonException(ErrorCode.UPSTREAM_INVALID_RESPONSE, method + " " + uri + " redirected to an "
                    + "invalid URL: " + location);
        }
        String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || target.getHost() == null) {
            throw new BatonException(ErrorCode.UPSTREAM_INVALID_RESPONSE, method + " " + uri + " redirected to "
                    + location + ", which is not an http:// or https:// URL");
        }
        if (scheme.equals("http") && "https".equalsIgnoreCase(uri.getScheme())) {
            return Optional.empty();
        }
        if (hops >= MAX_REDIRECTS) {
            throw new BatonException(ErrorCode.UPSTREAM_REJECTED, method + " " + uri + " redirected more than "
                    + MAX_REDIRECTS + " times (last to " + target + ")");
        }
        boolean toGet = status == 303 || ((status == 301 || status == 302) && method == HttpMethod.POST);
        HttpMethod nextMethod = toGet && method != HttpMethod.HEAD ? HttpMethod.GET : method;
        JsonNode nextBody = toGet ? null : body;
        Map<String, String> nextHeaders = new LinkedHashMap<>();
        boolean sameOrigin = origin(uri).equals(origin(target));
        headers.forEach((name, value) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            boolean credential = CREDENTIALS.contains(lower);
            boolean bodyHeader = toGet && (lower.equals("content-type") || lower.equals(
                    HttpHeader.CONTENT_ENCODING.lowerCaseName()));
            if ((sameOrigin || !credential) && !bodyHeader) {
                nextHeaders.put(name, value);
            }
        });
        return Optional.of(new Redirect(target, nextMethod, nextHeaders, nextBody));
    }

    /** Whether a header was given, case-insensitively. */
    boolean hasHeader(String name) {
        return headers.keySet().stream().anyMatch(h -> h.equalsIgnoreCase(name));
    }

    private static String origin(URI uri) {
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
    }
}
