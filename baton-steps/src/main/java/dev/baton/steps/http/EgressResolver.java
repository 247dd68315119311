package dev.baton.steps.http;

import dev.baton.core.security.EgressPolicy;
import dev.baton.core.security.HostResolver;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.SocketAddressResolver;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The address resolver of the http step's Jetty clients: the one place their connections get addresses from.
 * It resolves the host once with the {@link HostResolver}, keeps only the addresses the {@link EgressPolicy}
 * allows ({@link EgressPolicy#permitted}) and hands exactly those to Jetty, which connects to them and to nothing
 * else. So the address checked is the address connected to: a DNS answer that changes between a check and the
 * connection (DNS rebinding) has no second lookup to slip into. Every new connection (every redirect hop to a new
 * origin, every pooled connection opened later) is resolved, and so checked, again.
 *
 * <p>When no address is allowed the promise fails with the policy's {@code EGRESS_DENIED} error (which the step
 * reports as is); an unknown host fails it with the {@link java.net.UnknownHostException}. Lookups block, so each
 * runs on its own virtual thread. Thread-safe.
 */
final class EgressResolver implements SocketAddressResolver {
    private final EgressPolicy policy;
    private final HostResolver resolver;

    EgressResolver(EgressPolicy policy, HostResolver resolver) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.resolver = Objects.requireNonNull(resolver, "resolver");
    }

    @Override
    public void resolve(String host, int port, Map<String, Object> context,
                        Promise<List<InetSocketAddress>> promise) {
        Thread.ofVirtual().name("egress-resolve").start(() -> {
            List<InetSocketAddress> addresses;
            try {
                addresses = addresses(host, port);
            } catch (Throwable e) {
                promise.failed(e);
                return;
            }
            promise.succeeded(addresses);
        });
    }

    /** The allowed socket addresses of {@code host}, resolved once. */
    List<InetSocketAddress> addresses(String host, int port) throws java.net.UnknownHostException {
        List<InetAddress> allowed = policy.permitted(host, resolver);
        List<InetSocketAddress> addresses = new ArrayList<>(allowed.size());
        for (InetAddress address : allowed) {
            addresses.add(new InetSocketAddress(address, port));
        }
        return addresses;
    }
}
