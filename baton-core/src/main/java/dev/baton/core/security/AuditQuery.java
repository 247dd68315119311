package dev.baton.core.security;

import java.time.Instant;

/**
 * Which audit entries to read, newest first. Every filter except the tenant is optional ({@code null}).
 *
 * @param tenantId the tenant whose entries are read
 * @param action   entries whose action equals this or starts with it followed by a dot ({@code run} matches
 *                 {@code run.start})
 * @param actor    entries of this actor
 * @param since    entries at or after this time
 * @param until    entries before this time
 * @param cursor   the previous page's {@link dev.baton.core.store.Page#nextCursor()}, or {@code null}
 * @param limit    1..1000
 */
public record AuditQuery(String tenantId, String action, String actor, Instant since, Instant until, String cursor,
                         int limit) {
    public AuditQuery {
        java.util.Objects.requireNonNull(tenantId, "tenantId");
        if (limit < 1 || limit > 1000) {
            throw new IllegalArgumentException("limit must be 1..1000, got " + limit);
        }
    }
}
