package dev.baton.core.security;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

import dev.baton.core.error.BatonException;

/**
 * A principal's role within its tenant, and the permission matrix: which {@link Permission}s each role grants.
 *
 * <table>
 *   <caption>Permission matrix</caption>
 *   <tr><th>role</th><th>grants</th></tr>
 *   <tr><td>admin</td><td>everything: API keys, audit log, providers, and all below</td></tr>
 *   <tr><td>operator</td><td>read everything, cancel and retry runs, enable/disable deployments, clear the
 *       cache</td></tr>
 *   <tr><td>developer</td><td>read everything, register workflows, start runs, call models</td></tr>
 *   <tr><td>viewer</td><td>read only</td></tr>
 * </table>
 */
public enum Role {
    ADMIN(EnumSet.allOf(Permission.class)),
    OPERATOR(with(Permission.RUN_OPERATE, Permission.GATEWAY_OPERATE)),
    DEVELOPER(with(Permission.WORKFLOW_WRITE, Permission.RUN_START, Permission.MODEL_CALL)),
    VIEWER(with());

    private final Set<Permission> permissions;

    Role(Set<Permission> permissions) {
        this.permissions = Set.copyOf(permissions);
    }

    /** Whether this role grants {@code permission}. */
    public boolean grants(Permission permission) {
        return permissions.contains(permission);
    }

    /** The permissions this role grants (immutable). */
    public Set<Permission> permissions() {
        return permissions;
    }

    /** The lower-case name used in configuration, tokens and the API ({@code admin}, {@code viewer}...). */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The role named {@code id}, case-insensitively.
     *
     * @throws BatonException INVALID_INPUT naming {@code field} for an unknown name, listing the valid ones
     */
    public static Role parse(String field, String id) {
        if (id != null) {
            for (Role role : values()) {
                if (role.id().equalsIgnoreCase(id.strip())) {
                    return role;
                }
            }
        }
        throw BatonException.invalidInput(field, "unknown role '" + id + "'; expected admin, operator, developer or viewer");
    }

    /** The read permissions every role has, plus {@code extra}. */
    private static Set<Permission> with(Permission... extra) {
        EnumSet<Permission> set = EnumSet.of(Permission.WORKFLOW_READ, Permission.RUN_READ, Permission.GATEWAY_READ,
                Permission.MODEL_READ, Permission.SYSTEM_READ);
        set.addAll(java.util.List.of(extra));
        return set;
    }
}
