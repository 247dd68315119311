package dev.baton.server.security;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.security.ApiKey;
import dev.baton.core.security.ApiKeyStore;
import dev.baton.core.security.ApiKeyToken;
import dev.baton.core.security.ClientText;
import dev.baton.core.security.Principal;
import dev.baton.core.security.Quotas;
import dev.baton.core.security.Role;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Creates API keys: draws a new {@link ApiKeyToken}, stores its prefix and hash as an {@link ApiKey}, and hands
 * the token back once. Used by the keys API ({@code POST /api/v1/keys}) and {@code baton keys create --local}.
 * Thread-safe when its random generator is ({@link SecureRandom} is).
 */
public final class ApiKeyIssuer {
    /** Longest key name. */
    public static final int MAX_NAME = 100;
    /**
     * Longest stored {@code createdBy} (the column's size): a longer subject (a JWT {@code sub} may be long) is
     * cut, and control characters replaced, rather than failing the creation.
     */
    public static final int MAX_CREATED_BY = 200;
    private static final String ID_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";
    private static final int ID_LENGTH = 16;

    /**
     * A key just created.
     *
     * @param key   the stored key (no secret)
     * @param token the whole secret token: shown to the caller once, never stored
     */
    public record Issued(ApiKey key, ApiKeyToken token) {
        public Issued {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(token, "token");
        }
    }

    private final ApiKeyStore store;
    private final InstantSource clock;
    private final RandomGenerator random;

    /**
     * @param random a cryptographically strong generator in production ({@link SecureRandom})
     */
    public ApiKeyIssuer(ApiKeyStore store, InstantSource clock, RandomGenerator random) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** An issuer with the system clock and a {@link SecureRandom}. */
    public ApiKeyIssuer(ApiKeyStore store) {
        this(store, InstantSource.system(), new SecureRandom());
    }

    /**
     * Checks that {@code creator} may give a key {@code roles}: a key never has more rights than the principal
     * who creates it, so every permission of every role must be one the creator has. (Today only admins manage
     * keys and admins have every permission; this keeps it so if the matrix ever lets another role manage keys.)
     *
     * @throws BatonException FORBIDDEN naming the first role that grants more than the creator has
     */
    public static void requireGrantable(Principal creator, Set<Role> roles) {
        for (Role role : roles) {
            List<String> missing = role.permissions().stream().filter(p -> !creator.can(p)).map(Enum::name)
                    .sorted().toList();
            if (!missing.isEmpty()) {
                throw new BatonException(ErrorCode.FORBIDDEN, "a key may not have more rights than its creator: "
                        + "role " + role.id() + " grants " + String.join(", ", missing) + ", which you do not have");
            }
        }
    }

    /**
     * Creates and stores a key.
     *
     * @param tenantId  the tenant the key acts in
     * @param name      a label, 1..{@value #MAX_NAME} characters
     * @param roles     at least one role
     * @param expiresAt when it stops working (in the future), or {@code null} for never
     * @param quotas    its own quotas ({@link Quotas#NONE} for none)
     * @param createdBy the creating principal's subject (cut to {@value #MAX_CREATED_BY} characters, control
     *                  characters replaced)
     * @throws BatonException INVALID_INPUT naming {@code tenant}, {@code name}, {@code roles} or {@code expiresAt}
     */
    public Issued issue(String tenantId, String name, Set<Role> roles, Instant expiresAt, Quotas quotas,
                        String createdBy) {
        if (tenantId == null || !SecurityConfig.TENANT_ID.matcher(tenantId).matches()) {
            throw BatonException.invalidInput("tenant", "must be 1..64 letters, digits, '.', '_' or '-', starting "
                    + "with a letter or digit; got '" + tenantId + "'");
        }
        String label = name == null ? "" : name.strip();
        if (label.isEmpty() || label.length() > MAX_NAME || label.chars().anyMatch(Character::isISOControl)) {
            throw BatonException.invalidInput("name", "must be 1.." + MAX_NAME
                    + " characters without control characters");
        }
        if (roles == null || roles.isEmpty()) {
            throw BatonException.invalidInput("roles", "at least one role is required (admin, operator, "
                    + "developer or viewer)");
        }
        String creator = ClientText.clean(Objects.requireNonNull(createdBy, "createdBy"), MAX_CREATED_BY);
        Instant now = clock.instant();
        if (expiresAt != null && !expiresAt.isAfter(now)) {
            throw BatonException.invalidInput("expiresAt", "must be in the future, got " + expiresAt);
        }
        for (int attempt = 1; ; attempt++) {
            ApiKeyToken token = ApiKeyToken.generate(random);
            ApiKey key = new ApiKey(newId(), tenantId, label, token.prefix(), token.hash(), roles,
                    quotas == null ? Quotas.NONE : quotas, now, creator,
                    expiresAt, null, null);
            try {
                store.create(key);
                return new Issued(key, token);
            } catch (BatonException e) {
                // a prefix collision (62^8 values) is astronomically rare; draw again rather than fail the caller
                if (e.code() != ErrorCode.CONFLICT || attempt == 3) {
                    throw e;
                }
            }
        }
    }

    private String newId() {
        StringBuilder id = new StringBuilder("key_");
        for (int i = 0; i < ID_LENGTH; i++) {
            id.append(ID_ALPHABET.charAt(random.nextInt(ID_ALPHABET.length())));
        }
        return id.toString();
    }
}
