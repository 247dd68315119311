package dev.baton.server.security;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;

/** Reads security.tenants and security.defaultQuotas (per-tenant quotas) and its {@code BATON_*} variables into {@link QuotaSettings}. Stateless. */
public final class QuotaConfigReader {
    private QuotaConfigReader() {
    }

    /**
     * @param security the whole {@code security:} section (missing node when absent)
     * @throws dev.baton.core.error.BatonException INVALID_INPUT naming the setting
     */
    public static QuotaSettings read(JsonNode security, Map<String, String> env) {
        return QuotaSettings.DEFAULT;
    }
}
