package dev.baton.core.store;

import java.time.Instant;
import java.util.Objects;

/**
 * One stored version of a workflow definition, kept as the source text the user gave.
 *
 * @param tenantId  owning tenant
 * @param id        workflow id
 * @param version   1, 2, ... per (tenant, id)
 * @param source    the YAML or JSON text
 * @param createdAt when this version was stored
 */
public record StoredWorkflow(String tenantId, String id, int version, String source, Instant createdAt) {
    public StoredWorkflow {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(createdAt, "createdAt");
        if (version < 1) {
            throw new IllegalArgumentException("version must be >= 1, got " + version);
        }
    }
}
