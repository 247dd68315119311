package dev.baton.core.security;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * A stored API key. The secret itself is never stored: only {@code hash} (a digest of the whole key) and the
 * public {@code prefix} that identifies it in lists, logs and audit entries. A key is valid while it is not
 * revoked and not expired.
 *
 * @param id         the key's id (unique, public)
 * @param tenantId   the tenant the key acts in
 * @param name       a human label ("ci", "billing service"), 1..100 characters
 * @param prefix     the key's public, unique leading part, shown in lists (e.g. {@code bt_Ab3dE9xQ})
 * @param hash       hex digest of the whole key (see the server's key format for the algorithm)
 * @param roles      roles the key grants in its tenant; not empty
 * @param quotas     the key's own quotas ({@link Quotas#NONE} for none; the tenant's apply as well)
 * @param createdAt  creation time
 * @param createdBy  subject of the principal that created it
 * @param expiresAt  when it stops working, or {@code null} for never
 * @param lastUsedAt last successful authentication (updated at most about once a minute), or {@code null}
 * @param revokedAt  when it was revoked, or {@code null}
 */
public record ApiKey(String id, String tenantId, String name, String prefix, String hash, Set<Role> roles,
                     Quotas quotas, Instant createdAt, String createdBy, Instant expiresAt, Instant lastUsedAt,
                     Instant revokedAt) {

    public ApiKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(roles, "roles");
        Objects.requireNonNull(quotas, "quotas");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(createdBy, "createdBy");
        roles = Set.copyOf(roles);
        if (roles.isEmpty()) {
            throw new IllegalArgumentException("an API key needs at least one role");
        }
    }

    /** Whether the key authenticates at {@code now}: not revoked and not expired. */
    public boolean isActive(Instant now) {
        return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
    }
}
