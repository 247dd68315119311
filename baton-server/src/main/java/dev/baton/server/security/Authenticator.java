package dev.baton.server.security;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.security.ApiKey;
import dev.baton.core.security.ApiKeyStore;
import dev.baton.core.security.ApiKeyToken;
import dev.baton.core.security.Principal;
import dev.baton.core.security.Role;
import dev.baton.server.BatonNode;
import dev.baton.server.openai.ClientKeys;
import dev.baton.server.openai.OpenAiEndpoints;
import io.javalin.http.Context;

import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * Finds who is calling: sets the request's {@link RequestPrincipal}, or fails with UNAUTHENTICATED (401,
 * {@code WWW-Authenticate: Bearer}). Runs before every guarded route (not on public ones).
 *
 * <p>With auth on, the credential is the {@code X-API-Key} header or the token of {@code Authorization: Bearer}
 * (the OpenAI SDKs' way), tried in this order:
 * <ol>
 *   <li>a token starting {@code bt_}: a stored API key, looked up by its prefix and checked by hash (constant
 *       time); not found, wrong, revoked or expired → 401. Whether a prefix exists is never told apart from a
 *       wrong secret; revoked and expired are said only to a caller who holds the right secret;</li>
 *   <li>a JWT, when OIDC is configured ({@link JwtAuthenticator});</li>
 *   <li>on the OpenAI-compatible API ({@code /v1}) only: a key of {@code gateway.keys} ({@link ClientKeys}), a
 *       developer of the system tenant with subject {@value #GATEWAY_KEY_SUBJECT}{@code <id>}.</li>
 * </ol>
 * With auth off every request is {@link Principal#local} (an admin of the system tenant), except that {@code /v1}
 * still requires one of the configured {@code gateway.keys} when there are any.
 *
 * <p>A failure leaves a {@link FailedLogin} on the request for the audit trail. Thread-safe.
 */
public final class Authenticator {
    /** The {@code WWW-Authenticate} challenge of every 401. */
    public static final String CHALLENGE = "Bearer realm=\"baton\"";
    /** Subject prefix of principals authenticated by a configured gateway key. */
    public static final String GATEWAY_KEY_SUBJECT = "gateway-key:";
    /** Subject prefix of principals authenticated by a stored API key. */
    public static final String KEY_SUBJECT = "key:";
    private static final String INVALID_KEY = "invalid API key";

    private final AuthSettings settings;
    private final String systemTenant;
    private final ApiKeyStore keys;
    private final ClientKeys gatewayKeys;
    private final JwtAuthenticator jwt;
    private final InstantSource clock;
    private final KeyUse uses;

    /**
     * @param jwt      verifies JWTs, or {@code null} when OIDC is not configured
     * @param touching where the last-use writes of keys run (off the request path)
     */
    Authenticator(AuthSettings settings, String systemTenant, ApiKeyStore keys, ClientKeys gatewayKeys,
                  JwtAuthenticator jwt, InstantSource clock, Executor touching) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.systemTenant = Objects.requireNonNull(systemTenant, "systemTenant");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.gatewayKeys = Objects.requireNonNull(gatewayKeys, "gatewayKeys");
        this.jwt = jwt;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.uses = new KeyUse(keys, touching);
    }

    /** The authenticator of an open node. */
    public static Authenticator create(BatonNode node) {
        AuthSettings settings = node.config().security().auth();
        return new Authenticator(settings, node.config().security().systemTenant(), node.apiKeys(),
                node.gateway().keys(), node.jwtAuthenticator(), InstantSource.system(),
                task -> Thread.ofVirtual().name("baton-key-use").start(task));
    }

    /**
     * Authenticates the request.
     *
     * @throws BatonException UNAUTHENTICATED (401) with the reason
     */
    public void authenticate(Context ctx) {
        RequestPrincipal.set(ctx, principal(ctx));
    }

    private Principal principal(Context ctx) {
        boolean openAi = isOpenAi(ctx.path());
        if (!settings.enabled()) {
            if (openAi && gatewayKeys.required()) {
                return gatewayKey(ctx, credential(ctx));
            }
            return Principal.local(systemTenant);
        }
        String credential = credential(ctx);
        if (ApiKeyToken.claims(credential)) {
            return storedKey(ctx, credential);
        }
        if (jwt != null && JwtAuthenticator.looksLikeJwt(credential)) {
            try {
                return jwt.authenticate(credential);
            } catch (BatonException e) {
                if (e.code() != ErrorCode.UNAUTHENTICATED) {
                    throw e;
                }
                throw fail(ctx, new FailedLogin(jwt.actorOf(credential), null, e.getMessage()));
            }
        }
        if (openAi && gatewayKeys.required()) {
            return gatewayKey(ctx, credential);
        }
        throw fail(ctx, new FailedLogin("unknown", null, jwt == null
                ? INVALID_KEY : "invalid credentials: neither an API key nor a valid JWT"));
    }

    private Principal storedKey(Context ctx, String credential) {
        Optional<ApiKeyToken> token = ApiKeyToken.parse(credential);
        if (token.isEmpty()) {
            throw fail(ctx, new FailedLogin("key:malformed", null, INVALID_KEY + " (not in the bt_<prefix>_<secret> "
                    + "format)"));
        }
        ApiKeyToken presented = token.get();
        ApiKey key = keys.findByPrefix(presented.prefix()).orElse(null);
        if (key == null || !presented.matches(key.hash())) {
            throw fail(ctx, new FailedLogin(KEY_SUBJECT + presented.prefix(), null, INVALID_KEY));
        }
        Instant now = clock.instant();
        if (key.revokedAt() != null) {
            throw fail(ctx, new FailedLogin(KEY_SUBJECT + key.id(), key.tenantId(), "the API key "
                    + key.prefix() + " was revoked"));
        }
        if (!key.isActive(now)) {
            throw fail(ctx, new FailedLogin(KEY_SUBJECT + key.id(), key.tenantId(), "the API key "
                    + key.prefix() + " expired at " + key.expiresAt()));
        }
        uses.used(key, now);
        return new Principal(key.tenantId(), KEY_SUBJECT + key.id(), key.id(), key.roles(),
                Principal.AuthMethod.API_KEY);
    }

    private Principal gatewayKey(Context ctx, String credential) {
        String id = gatewayKeys.match(credential).orElseThrow(() -> fail(ctx,
                new FailedLogin("gateway-key", null, "Incorrect API key provided.")));
        return new Principal(systemTenant, GATEWAY_KEY_SUBJECT + id, null, Set.of(Role.DEVELOPER),
                Principal.AuthMethod.GATEWAY_KEY);
    }

    /** The presented credential: {@code X-API-Key}, else the token of {@code Authorization: Bearer}. */
    private String credential(Context ctx) {
        String apiKey = ctx.header("X-API-Key");
        if (apiKey != null && !apiKey.isBlank()) {
            return apiKey.strip();
        }
        String authorization = ctx.header("Authorization");
        if (authorization == null || authorization.isBlank()) {
            throw fail(ctx, new FailedLogin("anonymous", null, "no credentials: send 'Authorization: Bearer <key>' "
                    + "or 'X-API-Key: <key>'"));
        }
        String value = authorization.strip();
        if (!value.regionMatches(true, 0, "Bearer ", 0, 7) || value.substring(7).isBlank()) {
            throw fail(ctx, new FailedLogin("anonymous", null, "the Authorization header must be 'Bearer <key>'"));
        }
        return value.substring(7).strip();
    }

    private static BatonException fail(Context ctx, FailedLogin failure) {
        failure.attachTo(ctx);
        ctx.header("WWW-Authenticate", CHALLENGE);
        return new BatonException(ErrorCode.UNAUTHENTICATED, failure.reason());
    }

    private static boolean isOpenAi(String path) {
        return path.equals(OpenAiEndpoints.BASE) || path.startsWith(OpenAiEndpoints.BASE + "/");
    }
}
