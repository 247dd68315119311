package dev.baton.core.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * The secret form of an API key, as handed to its owner once: {@code bt_<public>_<secret>}, where
 * {@code <public>} is {@value #PUBLIC_LENGTH} base62 characters and {@code <secret>} {@value #SECRET_LENGTH}
 * base62 characters drawn from a cryptographically strong generator (32 × log2(62) ≈ 190.5 bits). The
 * {@link #prefix()} ({@code bt_<public>}) identifies the key in lists, logs and audit entries and is how a
 * presented key is looked up; only the {@link #hash()} of the whole token is stored.
 *
 * <p><b>Why SHA-256 and not a password hash.</b> Password hashes (bcrypt, scrypt, Argon2) are slow on purpose
 * because passwords have little entropy and can be guessed. A 190-bit random secret cannot be guessed, so a slow
 * hash adds nothing but CPU on every request; a single SHA-256 is the usual choice for high-entropy tokens (see
 * OWASP's "Secrets Management Cheat Sheet" and GitHub's token design, which store a SHA-256 of random tokens).
 * Hashes are compared in constant time ({@link MessageDigest#isEqual}).
 *
 * <p>Immutable; thread-safe. {@link #toString()} shows the prefix only, never the secret.
 */
public final class ApiKeyToken {
    /** What every key starts with; a bearer token without it is not an API key (a JWT, a gateway key). */
    public static final String SCHEME = "bt_";
    /** Length of the public part after {@value #SCHEME}. */
    public static final int PUBLIC_LENGTH = 8;
    /** Length of the secret part. */
    public static final int SECRET_LENGTH = 32;
    private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final Pattern FORMAT = Pattern.compile(
            "bt_[0-9A-Za-z]{" + PUBLIC_LENGTH + "}_[0-9A-Za-z]{" + SECRET_LENGTH + ",128}");
    private static final Pattern PREFIX = Pattern.compile("bt_[0-9A-Za-z]{" + PUBLIC_LENGTH + "}");

    private final String value;

    private ApiKeyToken(String value) {
        this.value = value;
    }

    /**
     * A new random token.
     *
     * @param random a cryptographically strong generator ({@link java.security.SecureRandom}) in production;
     *               tests may pass a seeded one
     */
    public static ApiKeyToken generate(RandomGenerator random) {
        Objects.requireNonNull(random, "random");
        return new ApiKeyToken(SCHEME + base62(random, PUBLIC_LENGTH) + "_" + base62(random, SECRET_LENGTH));
    }

    /** The token {@code text}, or empty when it is not in the API key format. */
    public static Optional<ApiKeyToken> parse(String text) {
        if (text == null || !FORMAT.matcher(text).matches()) {
            return Optional.empty();
        }
        return Optional.of(new ApiKeyToken(text));
    }

    /** Whether {@code text} claims to be an API key (starts with {@value #SCHEME}), well-formed or not. */
    public static boolean claims(String text) {
        return text != null && text.startsWith(SCHEME);
    }

    /** Whether {@code prefix} has the shape of a key's prefix ({@code bt_} + 8 base62 characters). */
    public static boolean isPrefix(String prefix) {
        return prefix != null && PREFIX.matcher(prefix).matches();
    }

    /** The public prefix, {@code bt_} and the public part, e.g. {@code bt_Ab3dE9xQ}. */
    public String prefix() {
        return value.substring(0, SCHEME.length() + PUBLIC_LENGTH);
    }

    /** The whole token: hand it to the owner once, never store or log it. */
    public String reveal() {
        return value;
    }

    /** Lower-case hex SHA-256 of the whole token (UTF-8): what the store keeps. */
    public String hash() {
        return HexFormat.of().formatHex(sha256(value));
    }

    /** Whether this token is the one whose {@link #hash()} is {@code storedHash}, compared in constant time. */
    public boolean matches(String storedHash) {
        if (storedHash == null) {
            return false;
        }
        byte[] expected;
        try {
            expected = HexFormat.of().parseHex(storedHash);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(sha256(value), expected);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ApiKeyToken token && MessageDigest.isEqual(
                value.getBytes(StandardCharsets.UTF_8), token.value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return prefix().hashCode();
    }

    /** The prefix and a mask, never the secret. */
    @Override
    public String toString() {
        return prefix() + "_…";
    }

    private static String base62(RandomGenerator random, int length) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(BASE62.charAt(random.nextInt(BASE62.length())));
        }
        return text.toString();
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}
