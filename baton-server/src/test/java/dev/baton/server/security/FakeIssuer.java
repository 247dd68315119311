package dev.baton.server.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * An OIDC issuer for tests: a JWKS document served on 127.0.0.1 (JDK HttpServer, port 0) whose published keys the
 * test changes (rotation), and tokens signed with Nimbus. Counts JWKS fetches; can be made to fail (503).
 */
final class FakeIssuer implements AutoCloseable {
    static final String ISSUER = "https://idp.example.test/";
    static final String AUDIENCE = "baton";

    private final HttpServer server;
    private final AtomicReference<List<JWK>> published = new AtomicReference<>(List.of());
    private final AtomicInteger fetches = new AtomicInteger();
    private final AtomicBoolean down = new AtomicBoolean();

    FakeIssuer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/jwks.json", exchange -> {
            fetches.incrementAndGet();
            byte[] body = new JWKSet(published.get()).toString(true).getBytes(StandardCharsets.UTF_8);
            int status = down.get() ? 503 : 200;
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    URI jwksUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json");
    }

    static RSAKey rsaKey(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static ECKey ecKey(String kid) {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Publishes exactly {@code keys} (their public halves). */
    void publish(JWK... keys) {
        List<JWK> publics = new ArrayList<>();
        for (JWK key : keys) {
            publics.add(key.toPublicJWK());
        }
        published.set(publics);
    }

    int fetches() {
        return fetches.get();
    }

    void down(boolean isDown) {
        down.set(isDown);
    }

    /** Claims valid for an hour from {@code now}, for tenant acme with role developer; {@code adjust} edits them. */
    static JWTClaimsSet claims(Instant now, Consumer<JWTClaimsSet.Builder> adjust) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER).audience(AUDIENCE).subject("alice@example.test")
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(3600)))
                .claim("tenant", "acme").claim("roles", List.of("developer"));
        adjust.accept(claims);
        return claims.build();
    }

    /** A compact JWS of {@code claims} signed with {@code key} (RS256 for RSA, ES256 for EC). */
    static String sign(JWK key, JWTClaimsSet claims) {
        try {
            boolean rsa = key instanceof RSAKey;
            JWSHeader header = new JWSHeader.Builder(rsa ? JWSAlgorithm.RS256 : JWSAlgorithm.ES256)
                    .keyID(key.getKeyID()).type(JOSEObjectType.JWT).build();
            SignedJWT jwt = new SignedJWT(header, claims);
            jwt.sign(rsa ? new RSASSASigner((RSAKey) key) : new ECDSASigner((ECKey) key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Settings for this issuer (default claims; cache TTL 5 minutes). */
    OidcSettings settings() {
        return OidcSettings.of(ISSUER, AUDIENCE, jwksUrl()).withRoleMapping(Map.of());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
