package dev.baton.core.security;

import dev.baton.core.error.BatonException;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Objects;

/**
 * The position after the last key of a page of {@link ApiKeyStore#list}: keys are listed newest first, by
 * (createdAt descending, id descending), and the cursor is that pair of the page's last key, encoded as opaque
 * URL-safe Base64. Every store uses this encoding so a cursor is portable between them.
 *
 * @param createdAt the last key's creation time
 * @param id        the last key's id
 */
public record KeyCursor(Instant createdAt, String id) {

    public KeyCursor {
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(id, "id");
    }

    /** The cursor after {@code key}. */
    public static KeyCursor after(ApiKey key) {
        return new KeyCursor(key.createdAt(), key.id());
    }

    /** The opaque text form. */
    public String encode() {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((createdAt + "|" + id).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads a cursor given by a client.
     *
     * @throws BatonException INVALID_INPUT naming {@code cursor} when it was not made by {@link #encode()}
     */
    public static KeyCursor decode(String text) {
        try {
            String plain = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
            int bar = plain.indexOf('|');
            if (bar < 0 || bar == plain.length() - 1) {
                throw BatonException.invalidInput("cursor", "not a cursor returned by this listing");
            }
            return new KeyCursor(Instant.parse(plain.substring(0, bar)), plain.substring(bar + 1));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw BatonException.invalidInput("cursor", "not a cursor returned by this listing");
        }
    }

    /** Whether {@code key} comes after this cursor in listing order (older, or as old with a smaller id). */
    public boolean precedes(ApiKey key) {
        int byTime = key.createdAt().compareTo(createdAt);
        return byTime < 0 || byTime == 0 && key.id().compareTo(id) < 0;
    }
}
