package dev.baton.server.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.baton.core.error.BatonException;
import dev.baton.gateway.config.ConfigTree;

import java.util.Map;
import java.util.Set;

/**
 * Reads the {@code security:} section and its variables into {@link SecurityConfig}, delegating each part to
 * its reader ({@link AuthConfigReader}, {@link QuotaConfigReader}, {@link EgressConfigReader},
 * {@link SecretsConfigReader}). Strict: an unknown key fails with a "did you mean". Stateless.
 *
 * <pre>{@code
 * security:
 *   systemTenant: default
 *   auth: {...}            # AuthConfigReader
 *   tenants: {...}         # QuotaConfigReader
 *   defaultQuotas: {...}   # QuotaConfigReader
 *   egress: {...}          # EgressConfigReader
 *   secrets: {...}         # SecretsConfigReader
 * }</pre>
 */
public final class SecurityConfigReader {
    /** The section's name in {@code baton.yaml}. */
    public static final String SECTION = "security";
    private static final Set<String> KEYS = Set.of("systemTenant", "auth", "tenants", "defaultQuotas", "egress",
            "secrets");

    private SecurityConfigReader() {
    }

    /**
     * @param section the section's tree, or {@code null} when absent (all defaults)
     * @param env     the environment
     * @throws BatonException INVALID_INPUT naming the setting
     */
    public static SecurityConfig read(JsonNode section, Map<String, String> env) {
        JsonNode security = section == null ? MissingNode.getInstance() : section;
        ConfigTree tree = new ConfigTree(SECTION, security).fields(KEYS);
        String systemTenant = env.getOrDefault("BATON_SYSTEM_TENANT",
                tree.get("systemTenant").text(SecurityConfig.DEFAULT_TENANT)).strip();
        if (!SecurityConfig.TENANT_ID.matcher(systemTenant).matches()) {
            throw BatonException.invalidInput("security.systemTenant", "must be 1..64 letters, digits, '.', '_' "
                    + "or '-', starting with a letter or digit; got '" + systemTenant + "'");
        }
        AuthSettings auth = AuthConfigReader.read(security, env);
        return new SecurityConfig(systemTenant, auth,
                QuotaConfigReader.read(security, env), EgressConfigReader.read(security, env),
                SecretsConfigReader.read(security, env, auth.enabled()));
    }
}
