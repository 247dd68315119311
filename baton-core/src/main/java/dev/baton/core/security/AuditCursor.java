package dev.baton.core.security;

import dev.baton.core.error.BatonException;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The position after which the next page of an audit listing starts: the id of the last entry of the previous
 * page. Listings are ordered newest first (id descending), so the next page holds the entries with a smaller id.
 * Shared by every {@link AuditLog} so cursors look alike everywhere.
 *
 * <p>Encoded as URL-safe Base64 (no padding) of {@code audit:<id>}; opaque to clients.
 *
 * @param id the id of the last entry seen (positive)
 */
public record AuditCursor(long id) {
    private static final String PREFIX = "audit:";

    public AuditCursor {
        if (id < 1) {
            throw new IllegalArgumentException("id must be positive, got " + id);
        }
    }

    /** The cursor pointing after {@code entry}. */
    public static AuditCursor after(AuditEntry entry) {
        return new AuditCursor(entry.id());
    }

    /** The opaque string form for {@link dev.baton.core.store.Page#nextCursor()}. */
    public String encode() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((PREFIX + id).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Parses a cursor produced by {@link #encode()}.
     *
     * @throws BatonException INVALID_INPUT (field {@code cursor}) when the text is not such a cursor
     */
    public static AuditCursor decode(String cursor) {
        java.util.Objects.requireNonNull(cursor, "cursor");
        try {
            String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (!raw.startsWith(PREFIX)) {
                throw new IllegalArgumentException("not an audit cursor");
            }
            return new AuditCursor(Long.parseLong(raw.substring(PREFIX.length())));
        } catch (IllegalArgumentException e) {
            throw BatonException.invalidInput("cursor", "not a cursor returned by a previous page of the audit log");
        }
    }
}
