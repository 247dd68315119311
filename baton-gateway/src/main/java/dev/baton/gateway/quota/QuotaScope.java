package dev.baton.gateway.quota;

import dev.baton.core.security.Quotas;

import java.util.Objects;

/**
 * One set of quotas that applies to a caller: its tenant's or its stored API key's. Both apply at once, each
 * with buckets and budget accounts of its own.
 *
 * @param kind        whose quotas these are
 * @param id          the tenant id or the API key id
 * @param quotas      the limits ({@link Quotas#NONE}: nothing to enforce)
 * @param fieldPrefix the setting the limits come from, named in errors as {@code <fieldPrefix>.<limit>}, e.g.
 *                    {@code security.tenants.acme.quotas} or {@code key.k_123.quotas}
 */
public record QuotaScope(Kind kind, String id, Quotas quotas, String fieldPrefix) {

    /** Whose quotas. */
    public enum Kind {
        /** A tenant's ({@code security.defaultQuotas} or {@code security.tenants.<id>.quotas}). */
        TENANT("tenant", "tenant"),
        /** A stored API key's ({@code ApiKey.quotas()}). */
        KEY("apikey", "API key");

        private final String prefix;
        private final String label;

        Kind(String prefix, String label) {
            this.prefix = prefix;
            this.label = label;
        }

        /** The prefix of this kind's bucket names and budget account ids ({@code tenant}, {@code apikey}). */
        public String prefix() {
            return prefix;
        }
    }

    public QuotaScope {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(quotas, "quotas");
        Objects.requireNonNull(fieldPrefix, "fieldPrefix");
        if (id.isBlank()) {
            throw new IllegalArgumentException("quota scope id must not be blank");
        }
    }

    /** The setting of one limit, e.g. {@code security.tenants.acme.quotas.requestsPerMinute}. */
    public String field(String limit) {
        return fieldPrefix + "." + limit;
    }

    /** The scope's stable key for bucket names and account ids: {@code tenant/acme}, {@code apikey/k_123}. */
    public String key() {
        return kind.prefix + "/" + id;
    }

    /** How messages name the scope: {@code tenant 'acme'}, {@code API key 'k_123'}. */
    public String label() {
        return kind.label + " '" + id + "'";
    }
}
