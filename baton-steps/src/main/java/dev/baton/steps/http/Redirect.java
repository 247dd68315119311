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
 * <p>Secrets ({@code {{ secrets.NAME }}}, see {@code StepContext.secretArguments()}) go only to the origin the
 * workflow named. A hop to another origin also drops every header whose value holds a secret (whatever its
 * name: {@code X-Api-Key}, {@code PRIVATE-TOKEN}...), and is not followed at all when it would re-send a body
 * holding one (307 and 308; 301 and 302 for every method but POST): the step fails with
 * {@code UPSTREAM_REJECTED} (not retried) rather than answering with the redirect, so that the author learns why
 * the call stopped instead of seeing an unexpected 3xx. What was dropped stays dropped on later hops, even back
 * on the first origin. Headers without a secret still follow, as in browsers and curl.
 *
 * @param uri     absolute http(s) URI
 * @param method  request method
 * @param headers request headers as the workflow wrote them (without the ones Baton adds per hop)
 * @param body    the body, or null
 * @param secrets the arguments holding a secret, relative to the step's {@code with} ({@code headers.X-Api-Key},
 *                {@code body}, {@code body.token}, {@code body[0]}...)
 */
record Redirect(URI uri, HttpMethod method, Map<String, String> headers, JsonNode body, Set<String> secrets) {
    /** The most redirects followed in one exchange (the JDK client's default, {@code jdk.httpclient.redirects.retrylimit}). */
    static final int MAX_REDIRECTS = 5;
    private static final Set<Integer> STATUSES = Set.of(301, 302, 303, 307, 308);
    private static final Set<String> CREDENTIALS = Set.of("authorization", "proxy-authorization", "cookie");

    Redirect {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(method, "method");
        headers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        secrets = Set.copyOf(secrets);
    }

    /**
     * The first request of a call.
     *
     * @param secrets the step's arguments that hold a secret ({@code StepContext.secretArguments()})
     */
    static Redirect first(HttpCall call, Set<String> secrets) {
        return new Redirect(call.uri(), call.method(), call.headers(), call.body(), secrets);
    }

    /**
     * The request a response asks for next, or empty when the response is the answer (not a redirect, no
     * {@code Location}, or a downgrade from https to http).
     *
     * @param hops redirects followed so far
     * @throws BatonException UPSTREAM_INVALID_RESPONSE for a {@code Location} that is no http(s) URL;
     *                        UPSTREAM_REJECTED when more than {@value #MAX_REDIRECTS} redirects would be followed,
     *                        or when the next hop would carry a body holding a secret to another origin
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
        if (!sameOrigin && nextBody != null && bodyHoldsSecret()) {
            throw new BatonException(ErrorCode.UPSTREAM_REJECTED, method + " " + uri + " answered " + status
                    + " to another origin (" + origin(target) + "); not followed, because the request body holds "
                    + "a secret that may go only to " + origin(uri) + " (see docs/security.md, \"Secrets\")");
        }
        headers.forEach((name, value) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            boolean confined = CREDENTIALS.contains(lower) || holdsSecret(name);
            boolean bodyHeader = toGet && (lower.equals("content-type") || lower.equals(
                    HttpHeader.CONTENT_ENCODING.lowerCaseName()));
            if ((sameOrigin || !confined) && !bodyHeader) {
                nextHeaders.put(name, value);
            }
        });
        return Optional.of(new Redirect(target, nextMethod, nextHeaders, nextBody, secrets));
    }

    /** Whether the header {@code name} (as the workflow wrote it) holds a secret. */
    private boolean holdsSecret(String name) {
        String argument = "headers." + name;
        return secrets.stream().anyMatch(s -> s.equals("headers") || s.equalsIgnoreCase(argument));
    }

    /** Whether the body, or anything in it, holds a secret. */
    private boolean bodyHoldsSecret() {
        return secrets.stream().anyMatch(s -> s.equals("body") || s.startsWith("body.") || s.startsWith("body["));
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
