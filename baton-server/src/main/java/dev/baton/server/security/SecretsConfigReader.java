package dev.baton.server.security;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;

/** Reads security.secrets (where secrets.NAME values come from) and its {@code BATON_*} variables into {@link SecretSettings}. Stateless. */
public final class SecretsConfigReader {
    private SecretsConfigReader() {
    }

    /**
     * @param security the whole {@code security:} section (missing node when absent)
     * @throws dev.baton.core.error.BatonException INVALID_INPUT naming the setting
     */
    public static SecretSettings read(JsonNode security, Map<String, String> env) {
        return SecretSettings.DEFAULT;
    }
}
