package dev.baton.server.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.security.Principal;
import dev.baton.core.security.Role;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** JWT bearer tokens: claims, key rotation through the JWKS cache, and every way a token is refused. */
class JwtAuthenticatorTest {
    private final ManualClock clock = new ManualClock(Instant.parse("2026-06-01T12:00:00Z"));
    private final FakeIssuer issuer = new FakeIssuer();
    private final RSAKey k1 = FakeIssuer.rsaKey("k1");
    private final JwtAuthenticator jwt = new JwtAuthenticator(issuer.settings(), clock);

    @AfterEach
    void close() {
        jwt.close();
        issuer.close();
    }

    private String token(com.nimbusds.jose.jwk.JWK key, Consumer<com.nimbusds.jwt.JWTClaimsSet.Builder> adjust) {
        return FakeIssuer.sign(key, FakeIssuer.claims(clock.instant(), adjust));
    }

    private String token(com.nimbusds.jose.jwk.JWK key) {
        return token(key, claims -> { });
    }

    private void refused(String token, String reason) {
        assertThatThrownBy(() -> jwt.authenticate(token)).isInstanceOf(BatonException.class)
                .hasMessageContaining(reason)
                .extracting(e -> ((BatonException) e).code()).isEqualTo(ErrorCode.UNAUTHENTICATED);
    }

    @Test
    void a_valid_token_maps_to_its_tenant_roles_and_subject() {
        issuer.publish(k1);

        Principal principal = jwt.authenticate(token(k1, c -> c.claim("roles", List.of("operator", "viewer",
                "unknown-group"))));

        assertThat(principal.tenantId()).isEqualTo("acme");
        assertThat(principal.subject()).isEqualTo("jwt:alice@example.test");
        assertThat(principal.roles()).containsExactlyInAnyOrder(Role.OPERATOR, Role.VIEWER);
        assertThat(principal.method()).isEqualTo(Principal.AuthMethod.JWT);
        assertThat(principal.keyId()).isNull();
    }

    @Test
    void ec_keys_and_a_space_separated_roles_string_work_too() {
        ECKey ec = FakeIssuer.ecKey("ec1");
        issuer.publish(k1, ec);

        Principal principal = jwt.authenticate(token(ec, c -> c.claim("roles", "admin viewer")));

        assertThat(principal.roles()).containsExactlyInAnyOrder(Role.ADMIN, Role.VIEWER);
    }

    @Test
    void idp_group_names_map_to_roles() {
        issuer.publish(k1);
        try (JwtAuthenticator mapped = new JwtAuthenticator(issuer.settings()
                .withRoleMapping(Map.of("baton-admins", Role.ADMIN)), clock)) {
            Principal principal = mapped.authenticate(token(k1, c -> c.claim("roles", List.of("baton-admins"))));

            assertThat(principal.roles()).containsExactly(Role.ADMIN);
        }
    }

    @Test
    void with_a_role_mapping_an_unmapped_group_named_like_a_role_grants_nothing() {
        issuer.publish(k1);
        try (JwtAuthenticator mapped = new JwtAuthenticator(issuer.settings()
                .withRoleMapping(Map.of("baton-admins", Role.ADMIN, "readers", Role.VIEWER)), clock)) {
            Principal principal = mapped.authenticate(token(k1, c -> c.claim("roles",
                    List.of("admin", "operator", "readers"))));

            assertThat(principal.roles()).containsExactly(Role.VIEWER);
        }
    }

    @Test
    void a_new_key_id_is_accepted_without_restart_by_fetching_the_set_again() {
        RSAKey k2 = FakeIssuer.rsaKey("k2");
        issuer.publish(k1);
        jwt.authenticate(token(k1));
        assertThat(issuer.fetches()).isEqualTo(1);

        issuer.publish(k1, k2);
        Principal principal = jwt.authenticate(token(k2));

        assertThat(principal.tenantId()).isEqualTo("acme");
        assertThat(issuer.fetches()).isEqualTo(2);
        jwt.authenticate(token(k1));
        jwt.authenticate(token(k2));
        assertThat(issuer.fetches()).as("known keys come from the cache").isEqualTo(2);
    }

    @Test
    void a_removed_key_stops_working_once_the_cached_set_expires() {
        RSAKey k2 = FakeIssuer.rsaKey("k2");
        issuer.publish(k1, k2);
        String signedByK1 = token(k1);
        jwt.authenticate(signedByK1);

        issuer.publish(k2);
        jwt.authenticate(signedByK1); // still cached: the issuer's removal is seen after the cache TTL
        clock.advance(OidcSettings.JWKS_CACHE_TTL.plusSeconds(1));

        refused(signedByK1, "no matching key");
        assertThat(jwt.authenticate(token(k2)).tenantId()).isEqualTo("acme");
    }

    @Test
    void made_up_key_ids_cannot_flood_the_issuer_with_fetches() {
        issuer.publish(k1);
        jwt.authenticate(token(k1));

        for (int i = 0; i < 20; i++) {
            refused(token(FakeIssuer.rsaKey("made-up-" + i)), "rejected");
        }

        assertThat(issuer.fetches()).as("two fetches per window at most").isLessThanOrEqualTo(3);
    }

    @Test
    void expired_and_not_yet_valid_tokens_are_refused_beyond_the_skew() {
        issuer.publish(k1);
        String expired = token(k1, c -> c.expirationTime(Date.from(clock.instant().minusSeconds(120))));
        String withinSkew = token(k1, c -> c.expirationTime(Date.from(clock.instant().minusSeconds(30))));
        String notYet = token(k1, c -> c.notBeforeTime(Date.from(clock.instant().plusSeconds(300))));

        refused(expired, "xpired");
        assertThat(jwt.authenticate(withinSkew).tenantId()).isEqualTo("acme");
        refused(notYet, "before use time");
    }

    @Test
    void wrong_issuer_audience_or_missing_claims_are_refused() {
        issuer.publish(k1);

        refused(token(k1, c -> c.issuer("https://evil.example/")), "iss");
        refused(token(k1, c -> c.audience("someone-else")), "aud");
        refused(token(k1, c -> c.subject(null)), "sub");
        refused(token(k1, c -> c.expirationTime(null)), "exp");
        refused(token(k1, c -> c.claim("tenant", null)), "'tenant' claim");
        refused(token(k1, c -> c.claim("tenant", "../etc")), "'tenant' claim");
        refused(token(k1, c -> c.claim("tenant", 42)), "'tenant' claim");
    }

    @Test
    void a_signature_by_another_key_with_a_published_kid_is_refused() {
        issuer.publish(k1);

        refused(token(FakeIssuer.rsaKey("k1")), "signature");
    }

    @Test
    void unsigned_and_hmac_tokens_are_never_accepted() throws JOSEException {
        issuer.publish(k1);
        String none = new PlainJWT(FakeIssuer.claims(clock.instant(), c -> { })).serialize();
        SignedJWT hmac = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("k1").build(),
                FakeIssuer.claims(clock.instant(), c -> { }));
        hmac.sign(new MACSigner(new byte[32]));

        assertThat(JwtAuthenticator.looksLikeJwt(none)).isTrue();
        refused(none, "rejected");
        refused(hmac.serialize(), "rejected");
        refused("eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln", "not a valid JSON object");
    }

    @Test
    void an_unreachable_jwks_is_an_upstream_failure_not_a_refusal() {
        issuer.down(true);

        assertThatThrownBy(() -> jwt.authenticate(token(k1))).isInstanceOf(BatonException.class)
                .extracting(e -> ((BatonException) e).code()).isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE);
    }

    @Test
    void only_compact_jws_shapes_look_like_jwts() {
        assertThat(JwtAuthenticator.looksLikeJwt("eyJa.eyJb.c")).isTrue();
        assertThat(JwtAuthenticator.looksLikeJwt("bt_Ab3dE9xQ_secret")).isFalse();
        assertThat(JwtAuthenticator.looksLikeJwt("eyJa.eyJb")).isFalse();
        assertThat(JwtAuthenticator.looksLikeJwt("eyJa.eyJb.c.d")).isFalse();
        assertThat(JwtAuthenticator.looksLikeJwt("sk-baton-aaaa")).isFalse();
        assertThat(Duration.ofMinutes(5)).isEqualTo(OidcSettings.JWKS_CACHE_TTL);
    }
}
