package dev.baton.server.openai;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.gateway.CallContext;
import dev.baton.gateway.config.ClientKey;
import dev.baton.server.logging.SecretMask;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Who is calling the OpenAI-compatible API. With no configured keys the API is open and every caller is
 * {@value CallContext#ANONYMOUS}; with keys, {@code Authorization: Bearer <key>} must match one of them and the
 * principal is that key's id.
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
     * The principal for a request's {@code Authorization} header value.
     *
     * @param authorization the header, or {@code null}
     * @throws BatonException UNAUTHENTICATED (401) when keys are required and none or a wrong one was presented
     */
    public String principal(String authorization) {
        if (keys.isEmpty()) {
            return CallContext.ANONYMOUS;
        }
        if (authorization == null || authorization.isBlank()) {
            throw new BatonException(ErrorCode.UNAUTHENTICATED, "You didn't provide an API key. Send it as "
                    + "'Authorization: Bearer <key>'.");
        }
        String presented = authorization.strip();
        if (presented.regionMatches(true, 0, "Bearer ", 0, 7)) {
            presented = presented.substring(7).strip();
        } else {
            throw new BatonException(ErrorCode.UNAUTHENTICATED, "The Authorization header must be "
                    + "'Bearer <key>'.");
        }
        byte[] digest = sha256(presented);
        String match = null;
        for (Entry key : keys) {
            if (MessageDigest.isEqual(digest, key.digest()) && match == null) {
                match = key.id();
            }
        }
        if (match == null) {
            throw new BatonException(ErrorCode.UNAUTHENTICATED, "Incorrect API key provided.");
        }
        return match;
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}
