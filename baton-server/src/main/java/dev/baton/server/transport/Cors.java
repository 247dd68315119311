package dev.baton.server.transport;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.Header;
import io.javalin.router.JavalinDefaultRoutingApi;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * CORS (the Fetch standard's cross-origin protocol, https://fetch.spec.whatwg.org/#http-cors-protocol) for the
 * API, installed only when {@link CorsSettings#enabled()}:
 *
 * <ul>
 *   <li>every request from an allowed {@code Origin} gets {@code Access-Control-Allow-Origin} (the origin itself,
 *       or {@code *} when any is allowed without credentials), {@code Vary: Origin}, the exposed headers and,
 *       when configured, {@code Access-Control-Allow-Credentials}, also on errors (401, 403, 429...), so that the
 *       page can read the problem;</li>
 *   <li>a preflight ({@code OPTIONS} with {@code Origin} and {@code Access-Control-Request-Method}) is answered 204
 *       by a before-handler that ends the request there: it matches no route, so it never reaches the route
 *       guards ({@link dev.baton.server.security.ApiSecurity}, which run for matched routes only; a preflight
 *       never carries credentials), and no route is added (unknown paths still answer 404). The answer carries the
 *       allowed methods, headers and max-age when the origin, the method and every requested header are allowed;
 *       otherwise no CORS headers, which the browser treats as a refusal;</li>
 *   <li>a request from another origin gets no CORS headers: the browser keeps the answer from the page. (CORS is
 *       no access control for other clients: authentication is.)</li>
 * </ul>
 * Thread-safe.
 */
public final class Cors {
    private final CorsSettings settings;
    private final Set<String> headers;
    private final String allowMethods;
    private final String allowHeaders;
    private final String exposeHeaders;

    private Cors(CorsSettings settings) {
        this.settings = settings;
        this.headers = settings.allowedHeaders().stream().map(h -> h.toLowerCase(Locale.ROOT))
                .collect(Collectors.toCollection(TreeSet::new));
        this.allowMethods = String.join(", ", settings.allowedMethods());
        this.allowHeaders = String.join(", ", settings.allowedHeaders());
        this.exposeHeaders = String.join(", ", settings.exposedHeaders());
    }

    /** Installs the CORS hook into {@code routes}, unless CORS is off. */
    public static void install(JavalinDefaultRoutingApi routes, CorsSettings settings) {
        if (!settings.enabled()) {
            return;
        }
        Cors cors = new Cors(settings);
        routes.before(cors::handle);
    }

    private void handle(Context ctx) {
        ctx.res().addHeader(Header.VARY, "Origin");
        if (ctx.method() == HandlerType.OPTIONS && ctx.header(Header.ORIGIN) != null
            && ctx.header(Header.ACCESS_CONTROL_REQUEST_METHOD) != null) {
            preflight(ctx);
            ctx.skipRemainingHandlers();
            return;
        }
        annotate(ctx);
    }

    /** The response headers of every request from an allowed origin. */
    private void annotate(Context ctx) {
        String origin = ctx.header(Header.ORIGIN);
        if (!settings.allows(origin)) {
            return;
        }
        boolean any = settings.allowedOrigins().contains("*");
        ctx.header(Header.ACCESS_CONTROL_ALLOW_ORIGIN, any ? "*" : origin);
        if (settings.allowCredentials()) {
            ctx.header(Header.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
        }
        if (!exposeHeaders.isEmpty()) {
            ctx.header(Header.ACCESS_CONTROL_EXPOSE_HEADERS, exposeHeaders);
        }
    }

    private void preflight(Context ctx) {
        ctx.status(204);
        String method = ctx.header(Header.ACCESS_CONTROL_REQUEST_METHOD);
        if (!settings.allows(ctx.header(Header.ORIGIN))
            || !settings.allowedMethods().contains(method.trim().toUpperCase(Locale.ROOT))
            || !requestedHeadersAllowed(ctx.header(Header.ACCESS_CONTROL_REQUEST_HEADERS))) {
            return;
        }
        annotate(ctx);
        ctx.header(Header.ACCESS_CONTROL_ALLOW_METHODS, allowMethods);
        if (!allowHeaders.isEmpty()) {
            ctx.header(Header.ACCESS_CONTROL_ALLOW_HEADERS, allowHeaders);
        }
        ctx.header(Header.ACCESS_CONTROL_MAX_AGE, String.valueOf(settings.maxAge().toSeconds()));
    }

    private boolean requestedHeadersAllowed(String requested) {
        if (requested == null || requested.isBlank()) {
            return true;
        }
        return Arrays.stream(requested.split(",")).map(h -> h.trim().toLowerCase(Locale.ROOT))
                .filter(h -> !h.isEmpty()).allMatch(headers::contains);
    }
}
