package dev.baton.server.openai;

import dev.baton.core.error.BatonException;
import dev.baton.gateway.config.ClientKey;
import dev.baton.server.logging.SecretMask;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The keys of {@code gateway.keys}: who may call the OpenAI-compatible API besides stored API keys and JWTs.
 * The server's {@link dev.baton.server.security.Authenticator} asks {@link #match} for a presented bearer token;
 * a match calls as that key's id (its usage, limits and budgets are kept under it).
 *
 * <p>Secrets are resolved once, when the node opens (an unset variable or unreadable file fails the start),
 * and kept only as SHA-256 digests. A presented key is digested and compared with every configured digest by
 * {@link MessageDigest#isEqual} (constant time) without stopping at the first match, so the answer's timing
 * says nothing about which key, or which prefix, was close. Immutable; thread-safe.
 */
public final class ClientKeys {
    private record Entry(String id, byte[] digest) {
    }

    private final List<Entry> keys;

    private ClientKeys(List<Entry> keys) {
        this.keys = List.copyOf(keys);
    }

    /** No keys: the API is open. */
    public static ClientKeys open() {
        return new ClientKeys(List.of());
    }

    /**
     * Resolves every key's secret now.
     *
     * @param environment the process environment (injected for tests)
     * @throws BatonException INVALID_INPUT naming {@code gateway.keys[i].secret} when a secret cannot be read
     */
    public static ClientKeys resolve(List<ClientKey> configured, Map<String, String> environment) {
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < configured.size(); i++) {
            ClientKey key = configured.get(i);
            String secret;
            try {
                secret = key.secret().resolve(environment);
            } catch (BatonException e) {
                throw BatonException.invalidInput("gateway.keys[" + i + "].secret", e.getMessage());
            }
            SecretMask.remember(secret);
            entries.add(new Entry(key.id(), sha256(secret)));
        }
        return new ClientKeys(entries);
    }

    /** Whether the API requires a key. */
    public boolean required() {
        return !keys.isEmpty();
    }

    /**
     * The id of the configured key {@code presented} is, compared with every key in constant time.
     *
     * @param presented the bearer token or {@code X-API-Key} value, or {@code null}
     * @return the key's id, or empty when it is none of them (or none are configured)
     */
    public Optional<String> match(String presented) {
        if (presented == null || keys.isEmpty()) {
            return Optional.empty();
        }
        byte[] digest = sha256(presented);
        String match = null;
        for (Entry key : keys) {
            if (MessageDigest.isEqual(digest, key.digest()) && match == null) {
                match = key.id();
            }
        }
        return Optional.ofNullable(match);
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}
