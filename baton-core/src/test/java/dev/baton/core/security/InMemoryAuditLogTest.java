package dev.baton.core.security;

/** The audit log contract on the in-memory log. */
class InMemoryAuditLogTest extends AuditLogContract {
    private final InMemoryAuditLog shared = new InMemoryAuditLog();

    @Override
    protected AuditLog auditLog() {
        return shared;
    }
}
