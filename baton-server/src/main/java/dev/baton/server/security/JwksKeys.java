package dev.baton.server.security;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.CachingJWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.RateLimitedJWKSetSource;
import com.nimbusds.jose.jwk.source.URLBasedJWKSetSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;

/**
 * The issuer's signing keys, fetched from its JWKS URL and cached, with key rotation: the cached set is used
 * for {@code jwksCacheTtl}; a token whose {@code kid} is not in it makes the set be fetched again at once
 * (Nimbus's "read, then refresh on no match"), at most twice per {@link #MIN_REFETCH} so that tokens with made-up
 * key ids cannot turn into a flood of fetches. A key removed from the issuer's set keeps verifying until the
 * cached set expires. Built from Nimbus JOSE+JWT's {@link URLBasedJWKSetSource}, {@link RateLimitedJWKSetSource}
 * and {@link CachingJWKSetSource}; this class only adds the injected clock (Nimbus's own
 * {@code JWKSetBasedJWKSource} reads the system clock). Thread-safe.
 */
final class JwksKeys implements JWKSource<SecurityContext>, AutoCloseable {
    /** Minimum interval between fetch windows (two fetches per window); capped below the cache TTL. */
    static final Duration MIN_REFETCH = Duration.ofSeconds(30);
    private static final int CONNECT_TIMEOUT_MS = 5_000;
    private static final int READ_TIMEOUT_MS = 5_000;
    /** Largest JWKS document read (bytes). */
    private static final int SIZE_LIMIT = 512 * 1024;

    private final JWKSetSource<SecurityContext> source;
    private final InstantSource clock;

    JwksKeys(URI jwksUrl, Duration cacheTtl, InstantSource clock) {
        this.clock = clock;
        JWKSetSource<SecurityContext> fetched;
        try {
            fetched = new URLBasedJWKSetSource<>(jwksUrl.toURL(),
                    new DefaultResourceRetriever(CONNECT_TIMEOUT_MS, READ_TIMEOUT_MS, SIZE_LIMIT));
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("jwksUrl is not a URL: " + jwksUrl, e);
        }
        long ttl = cacheTtl.toMillis();
        long minInterval = Math.min(MIN_REFETCH.toMillis(), ttl / 2);
        this.source = new CachingJWKSetSource<>(new RateLimitedJWKSetSource<>(fetched, minInterval, null), ttl,
                CONNECT_TIMEOUT_MS + READ_TIMEOUT_MS, null);
    }

    @Override
    public List<JWK> get(JWKSelector selector, SecurityContext context) throws KeySourceException {
        long now = clock.millis();
        JWKSet cached = source.getJWKSet(JWKSetCacheRefreshEvaluator.noRefresh(), now, context);
        List<JWK> selected = selector.select(cached);
        if (selected.isEmpty()) {
            // an unknown kid: the issuer may have rotated its keys; fetch again unless another thread just did
            JWKSet recent = source.getJWKSet(JWKSetCacheRefreshEvaluator.referenceComparison(cached), now, context);
            selected = selector.select(recent);
        }
        return selected;
    }

    @Override
    public void close() throws IOException {
        source.close();
    }
}
