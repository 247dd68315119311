package dev.baton.gateway.provider.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * The {@code Idempotency-Key} header HTTP providers send upstream for a call that carries an idempotency key
 * ({@link dev.baton.gateway.CallContext#idempotencyKey()}).
 *
 * <p>The header value is {@code <key>/<digest>}: the key, then the first 16 hex digits of the SHA-256 of the
 * request body as sent. The same logical call made again (a step re-run after a crash, the same client retry)
 * sends the same body and so the same value, which lets an upstream that deduplicates answer it without doing
 * the work twice; calls that share a key but not a request (the repair turns of one {@code llm.chat} step, a
 * failover to a deployment with another upstream model, an embeddings call that sends only the cache misses)
 * get different values, so an upstream that rejects a key reused for another request (Stripe's semantics) does
 * not refuse them. Characters outside printable ASCII are percent-encoded as UTF-8 so the value is a valid
 * header value.
 */
public final class IdempotencyKeys {
    /** The header name. */
    public static final String HEADER = "Idempotency-Key";

    private IdempotencyKeys() {
    }

    /** The header for {@code key} and {@code body}: empty when {@code key} is {@code null}. */
    public static Map<String, String> header(String key, byte[] body) {
        return key == null ? Map.of() : Map.of(HEADER, value(key, body));
    }

    /** {@code <key>/<first 16 hex digits of SHA-256(body)>}, printable ASCII. */
    public static String value(String key, byte[] body) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body == null ? new byte[0] : body);
            return printable(key) + "/" + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    private static String printable(String key) {
        StringBuilder out = new StringBuilder(key.length());
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c > 0x20 && c < 0x7f && c != '%') {
                out.append((char) c);
            } else {
                out.append('%').append(HexFormat.of().withUpperCase().toHexDigits((byte) c));
            }
        }
        return out.toString();
    }
}
