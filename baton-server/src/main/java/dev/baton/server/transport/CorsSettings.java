package dev.baton.server.transport;

import dev.baton.core.error.BatonException;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Cross-origin access for browser clients ({@code server.cors}); off unless origins are listed. Origins are
 * compared exactly ({@code scheme://host[:port]}, no paths, no wildcards inside a name); {@code "*"} allows any
 * origin but then never with credentials (the Fetch standard forbids it and it would hand every site the user's
 * cookies or HTTP authentication).
 *
 * @param allowedOrigins   origins allowed to call the API from a browser; empty = CORS off (default)
 * @param allowedMethods   methods a preflight may ask for; default GET, POST, PUT, DELETE
 * @param allowedHeaders   request headers a preflight may ask for (case-insensitive); default Authorization,
 *                         Content-Type, X-API-Key, Idempotency-Key, X-Request-Id
 * @param exposedHeaders   response headers the browser lets the page read; default X-Request-Id, Retry-After,
 *                         Location
 * @param allowCredentials send {@code Access-Control-Allow-Credentials: true}; default false
 * @param maxAge           how long a browser may cache a preflight answer, 0..24 h; default 10 min
 */
public record CorsSettings(List<String> allowedOrigins, List<String> allowedMethods, List<String> allowedHeaders,
                           List<String> exposedHeaders, boolean allowCredentials, Duration maxAge) {
    /** CORS off. */
    public static final CorsSettings OFF = new CorsSettings(List.of(), List.of(), List.of(), List.of(), false,
            Duration.ZERO);
    /** The methods the API uses. */
    public static final List<String> DEFAULT_METHODS = List.of("GET", "POST", "PUT", "DELETE");
    /** The request headers the API reads: credentials, body type, idempotency and request ids. */
    public static final List<String> DEFAULT_HEADERS = List.of("Authorization", "Content-Type", "X-API-Key",
            "Idempotency-Key", "X-Request-Id");
    /** The response headers a page needs beyond the CORS-safelisted ones. */
    public static final List<String> DEFAULT_EXPOSED = List.of("X-Request-Id", "Retry-After", "Location");
    /** Ten minutes: Chromium's cap is 2 h, Firefox's 24 h. */
    public static final Duration DEFAULT_MAX_AGE = Duration.ofMinutes(10);
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE");

    public CorsSettings {
        allowedOrigins = List.copyOf(Objects.requireNonNull(allowedOrigins, "server.cors.allowedOrigins"));
        allowedMethods = List.copyOf(Objects.requireNonNull(allowedMethods, "server.cors.allowedMethods")).stream()
                .map(m -> m.trim().toUpperCase(Locale.ROOT)).toList();
        allowedHeaders = List.copyOf(Objects.requireNonNull(allowedHeaders, "server.cors.allowedHeaders"));
        exposedHeaders = List.copyOf(Objects.requireNonNull(exposedHeaders, "server.cors.exposedHeaders"));
        Objects.requireNonNull(maxAge, "server.cors.maxAge");
        for (String origin : allowedOrigins) {
            checkOrigin(origin);
        }
        if (allowCredentials && allowedOrigins.contains("*")) {
            throw BatonException.invalidInput("server.cors.allowCredentials", "cannot be true when "
                    + "server.cors.allowedOrigins contains '*': list the exact origins that may send credentials");
        }
        for (String method : allowedMethods) {
            if (!METHODS.contains(method)) {
                throw BatonException.invalidInput("server.cors.allowedMethods", "'" + method
                        + "' is not one of " + METHODS.stream().sorted().toList());
            }
        }
        for (String header : allowedHeaders) {
            checkToken("server.cors.allowedHeaders", header);
        }
        for (String header : exposedHeaders) {
            checkToken("server.cors.exposedHeaders", header);
        }
        if (maxAge.isNegative() || maxAge.compareTo(Duration.ofHours(24)) > 0) {
            throw BatonException.invalidInput("server.cors.maxAge", "must be between 0s and 24h, got " + maxAge);
        }
    }

    /** Allows {@code origins} with the default methods, headers and preflight cache time, no credentials. */
    public static CorsSettings allowing(List<String> origins) {
        return new CorsSettings(origins, DEFAULT_METHODS, DEFAULT_HEADERS, DEFAULT_EXPOSED, false, DEFAULT_MAX_AGE);
    }

    /** Whether CORS is on (some origin is allowed). */
    public boolean enabled() {
        return !allowedOrigins.isEmpty();
    }

    /** Whether a request from {@code origin} (the {@code Origin} header as sent) may read the answer. */
    public boolean allows(String origin) {
        return origin != null && (allowedOrigins.contains("*") || allowedOrigins.contains(origin));
    }

    private static void checkOrigin(String origin) {
        if (origin.equals("*")) {
            return;
        }
        URI uri;
        try {
            uri = new URI(origin);
        } catch (java.net.URISyntaxException e) {
            throw badOrigin(origin);
        }
        boolean plain = ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
                        && uri.getRawUserInfo() == null && (uri.getRawPath() == null || uri.getRawPath().isEmpty())
                        && uri.getRawQuery() == null && uri.getRawFragment() == null;
        if (!plain || origin.contains("*") || !origin.equals(origin.toLowerCase(Locale.ROOT))) {
            throw badOrigin(origin);
        }
    }

    private static BatonException badOrigin(String origin) {
        return BatonException.invalidInput("server.cors.allowedOrigins", "'" + origin + "' is not an origin: write "
                + "scheme://host[:port] in lower case without a path or wildcards (e.g. https://console.example.com),"
                + " or '*' for any origin");
    }

    private static void checkToken(String setting, String header) {
        if (header.isEmpty() || !header.chars().allMatch(c -> c > 32 && c < 127 && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0)) {
            throw BatonException.invalidInput(setting, "'" + header + "' is not a header name");
        }
    }
}
