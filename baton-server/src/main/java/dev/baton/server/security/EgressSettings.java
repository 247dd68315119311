package dev.baton.server.security;

import dev.baton.core.security.EgressPolicy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The {@code security.egress} settings: the policy outgoing connections of {@code http} steps (and their
 * redirects) and of gateway deployments' base URLs are checked against (read by {@link EgressConfigReader};
 * see docs/security.md "Egress policy").
 *
 * @param enabled false switches the policy off (every address allowed; for closed networks only)
 * @param allow   entries opened on top of the defaults: CIDR blocks ({@code 10.20.0.0/16}), addresses
 *                ({@code 127.0.0.1}, {@code ::1}), host names ({@code api.internal.corp}) and subdomain wildcards
 *                ({@code *.svc.cluster.local})
 * @param deny    entries always refused, in the same forms (they win over {@code allow})
 */
public record EgressSettings(boolean enabled, List<String> allow, List<String> deny) {
    /** The defaults: enabled, nothing allow-listed (loopback, private, link-local and metadata denied). */
    public static final EgressSettings DEFAULT = new EgressSettings(true, List.of(), List.of());

    /**
     * @throws IllegalArgumentException naming the first entry that is no CIDR block, address or host name
     */
    public EgressSettings {
        allow = List.copyOf(Objects.requireNonNull(allow, "allow"));
        deny = List.copyOf(Objects.requireNonNull(deny, "deny"));
        EgressPolicy.of(enabled, allow, deny); // validates every entry
    }

    /** The policy these settings describe. */
    public EgressPolicy policy() {
        return EgressPolicy.of(enabled, allow, deny);
    }

    /**
     * These settings with {@code entries} added to {@link #allow()}: for embedding and tests whose fake services
     * listen on the loopback ({@code allowing("127.0.0.0/8", "::1")}).
     */
    public EgressSettings allowing(String... entries) {
        List<String> more = new ArrayList<>(allow);
        more.addAll(Arrays.asList(entries));
        return new EgressSettings(enabled, more, deny);
    }
}
