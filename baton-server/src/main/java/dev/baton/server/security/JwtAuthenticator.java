package dev.baton.server.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.security.Principal;
import dev.baton.core.security.Role;

import java.io.IOException;
import java.text.ParseException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Verifies JWT bearer tokens from the configured OIDC issuer ({@link OidcSettings}) with Nimbus JOSE+JWT and maps
 * their claims to a {@link Principal}: signature by a key of the issuer's JWKS ({@link JwksKeys}: cached, refetched
 * on an unknown {@code kid}), one of the configured asymmetric algorithms ({@code alg: none} and HMAC are never
 * accepted), {@code typ} absent, {@code JWT} or {@code at+jwt} (RFC 9068), {@code iss} equal to the issuer,
 * {@code aud} containing the audience, {@code sub} and {@code exp} present, {@code exp} and {@code nbf} within
 * {@link OidcSettings#clockSkew()} of the injected clock.
 *
 * <p>Claims: the tenant from {@link OidcSettings#tenantClaim()} (a string that is a valid tenant id, else the
 * token is refused); roles from {@link OidcSettings#rolesClaim()} (an array of strings, or one string separated
 * by spaces or commas), each mapped through {@link OidcSettings#roleMapping()} or read as a role name, names that
 * are neither being ignored. The subject is {@code jwt:<sub>}.
 *
 * <p>Errors: UNAUTHENTICATED with the reason (expired, wrong issuer, bad signature...); UPSTREAM_UNAVAILABLE (502)
 * when the issuer's keys cannot be fetched. Thread-safe.
 */
public final class JwtAuthenticator implements AutoCloseable {
    private static final int MAX_SUBJECT = 200;

    private final OidcSettings settings;
    private final JwksKeys keys;
    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

    /**
     * @param clock the time against which {@code exp}, {@code nbf} and the key cache are checked
     */
    public JwtAuthenticator(OidcSettings settings, InstantSource clock) {
        this.settings = settings;
        this.keys = new JwksKeys(settings.jwksUrl(), settings.jwksCacheTtl(), clock);
        Set<JWSAlgorithm> algorithms = new LinkedHashSet<>();
        for (String name : settings.algorithms()) {
            algorithms.add(JWSAlgorithm.parse(name));
        }
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT,
                new JOSEObjectType("at+jwt"), null));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(algorithms, keys));
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                Set.of(settings.audience()), new JWTClaimsSet.Builder().issuer(settings.issuer()).build(),
                Set.of("sub", "exp"), null) {
            @Override
            protected Date currentTime() {
                return Date.from(clock.instant());
            }
        };
        claims.setMaxClockSkew((int) settings.clockSkew().toSeconds());
        processor.setJWTClaimsSetVerifier(claims);
    }

    /** Whether {@code token} has the shape of a compact JWS ({@code header.payload.signature}). */
    public static boolean looksLikeJwt(String token) {
        if (token == null || !token.startsWith("ey")) {
            return false;
        }
        int first = token.indexOf('.');
        int second = first < 0 ? -1 : token.indexOf('.', first + 1);
        return first > 0 && second > first + 1 && token.indexOf('.', second + 1) < 0;
    }

    /**
     * Verifies {@code token} and maps its claims.
     *
     * @throws BatonException UNAUTHENTICATED naming the reason; UPSTREAM_UNAVAILABLE when the keys cannot be fetched
     */
    public Principal authenticate(String token) {
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ParseException e) {
            throw unauthenticated("the bearer token is not a valid JWT: " + e.getMessage());
        } catch (RateLimitReachedException e) {
            // a token naming a key the issuer does not publish, after the set was just fetched again
            throw unauthenticated("the JWT was rejected: its signing key (kid) is not published by the issuer");
        } catch (KeySourceException e) {
            throw new BatonException(ErrorCode.UPSTREAM_UNAVAILABLE, "cannot fetch the OIDC signing keys from "
                    + settings.jwksUrl() + ": " + e.getMessage(), e);
        } catch (BadJOSEException | JOSEException e) {
            throw unauthenticated("the JWT was rejected: " + e.getMessage());
        }
        Object tenantValue = claims.getClaim(settings.tenantClaim());
        if (!(tenantValue instanceof String tenant) || !SecurityConfig.TENANT_ID.matcher(tenant).matches()) {
            throw unauthenticated("the JWT has no valid '" + settings.tenantClaim() + "' claim (a tenant id of "
                    + "1..64 letters, digits, '.', '_' or '-')");
        }
        return new Principal(tenant, "jwt:" + truncate(claims.getSubject()), null, roles(claims),
                Principal.AuthMethod.JWT);
    }

    /**
     * The roles the token's roles claim maps to (empty when none is known). With a {@code roleMapping}, only its
     * names grant roles: an IdP group that happens to be called {@code admin} (common for other applications'
     * roles in Keycloak, Entra or Okta) grants nothing unless the mapping lists it. Without one, the names are
     * read as Baton role names.
     */
    private Set<Role> roles(JWTClaimsSet claims) {
        Object value = claims.getClaim(settings.rolesClaim());
        List<String> names = new ArrayList<>();
        if (value instanceof String text) {
            for (String part : text.split("[\\s,]+")) {
                if (!part.isEmpty()) {
                    names.add(part);
                }
            }
        } else if (value instanceof List<?> list) {
            for (Object element : list) {
                if (element instanceof String name) {
                    names.add(name);
                }
            }
        }
        Set<Role> roles = EnumSet.noneOf(Role.class);
        boolean mappedOnly = !settings.roleMapping().isEmpty();
        for (String name : names) {
            Role mapped = settings.roleMapping().get(name);
            if (mapped != null) {
                roles.add(mapped);
                continue;
            }
            if (mappedOnly) {
                continue;
            }
            for (Role role : Role.values()) {
                if (role.id().equals(name.toLowerCase(Locale.ROOT))) {
                    roles.add(role);
                }
            }
        }
        return roles;
    }

    /** The audit actor of a token, from its unverified {@code sub} ({@code jwt:<sub>}), or {@code jwt}. */
    String actorOf(String token) {
        try {
            String subject = SignedJWT.parse(token).getJWTClaimsSet().getSubject();
            return subject == null ? "jwt" : "jwt:" + truncate(subject);
        } catch (ParseException | RuntimeException e) {
            return "jwt";
        }
    }

    private static String truncate(String subject) {
        return subject.length() <= MAX_SUBJECT ? subject : subject.substring(0, MAX_SUBJECT);
    }

    private static BatonException unauthenticated(String reason) {
        return new BatonException(ErrorCode.UNAUTHENTICATED, reason);
    }

    @Override
    public void close() {
        try {
            keys.close();
        } catch (IOException e) {
            // nothing held open that matters: the source keeps no connection
        }
    }
}
