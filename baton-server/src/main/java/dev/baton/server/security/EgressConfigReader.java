package dev.baton.server.security;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;

/** Reads security.egress (the egress policy of http steps and provider base URLs) and its {@code BATON_*} variables into {@link EgressSettings}. Stateless. */
public final class EgressConfigReader {
    private EgressConfigReader() {
    }

    /**
     * @param security the whole {@code security:} section (missing node when absent)
     * @throws dev.baton.core.error.BatonException INVALID_INPUT naming the setting
     */
    public static EgressSettings read(JsonNode security, Map<String, String> env) {
        return EgressSettings.DEFAULT;
    }
}
