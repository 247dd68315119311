package dev.baton.core.store;

import dev.baton.core.error.BatonException;
import dev.baton.core.run.Run;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;

/**
 * The position after which the next page of a run listing starts: the (createdAt, id) of the last run of the
 * previous page. Listings are ordered newest first (createdAt desc, id desc), so the next page holds the runs
 * strictly "smaller" than this position. Shared by every {@link RunStore} so cursors look alike everywhere.
 *
 * <p>Encoded as URL-safe Base64 (no padding) of {@code <epochSecond>.<nano>:<id>}; opaque to clients.
 *
 * @param createdAt creation instant of the last run seen
 * @param id        id of the last run seen
 */
public record RunCursor(Instant createdAt, String id) {
    public RunCursor {
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(id, "id");
    }

    /** The cursor pointing after this run. */
    public static RunCursor after(Run run) {
        return new RunCursor(run.createdAt(), run.id());
    }

    /** The opaque string form for {@link Page#nextCursor()}. */
    public String encode() {
        String raw = createdAt.getEpochSecond() + "." + createdAt.getNano() + ":" + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Parses a cursor produced by {@link #encode()}.
     *
     * @throws BatonException INVALID_INPUT (field {@code cursor}) when the text is not such a cursor
     */
    public static RunCursor decode(String cursor) {
        Objects.requireNonNull(cursor, "cursor");
        try {
            String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            int colon = raw.indexOf(':');
            int dot = raw.indexOf('.');
            if (colon < 0 || dot < 0 || dot > colon || colon == raw.length() - 1) {
                throw new IllegalArgumentException("missing parts");
            }
            long seconds = Long.parseLong(raw.substring(0, dot));
            int nanos = Integer.parseInt(raw.substring(dot + 1, colon));
            return new RunCursor(Instant.ofEpochSecond(seconds, nanos), raw.substring(colon + 1));
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            throw BatonException.invalidInput("cursor", "not a cursor returned by a previous page");
        }
    }
}
