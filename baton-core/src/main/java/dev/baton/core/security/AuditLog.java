package dev.baton.core.security;

import dev.baton.core.store.Page;

/**
 * The append-only audit log: entries are added, never changed or removed through Baton. Implementations
 * (in memory, H2, PostgreSQL) pass the shared contract suite ({@code AuditLogContract}). Thread-safe.
 *
 * <p>Errors: {@code STORE_UNAVAILABLE} when the store cannot be reached.
 */
public interface AuditLog {

    /** Appends {@code entry} (its {@code id} is ignored) and returns it with the id assigned. */
    AuditEntry append(AuditEntry entry);

    /** A page of the tenant's entries matching {@code query}, newest first. */
    Page<AuditEntry> query(AuditQuery query);
}
