package dev.baton.core.security;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Resolves a host name to its addresses: the one place outgoing connections look names up, so that the egress
 * policy checks exactly the addresses that will be connected to. Tests inject answers (for example one that
 * changes between two lookups, as a DNS-rebinding attacker's server would).
 *
 * <p>Implementations must be thread-safe; they may block (a DNS lookup), so callers run them on a virtual
 * thread or a thread that may block.
 */
@FunctionalInterface
public interface HostResolver {
    /** The JDK's resolver ({@link InetAddress#getAllByName}: the system's resolver and the JVM's address cache). */
    HostResolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));

    /**
     * @param host a host name or an IP literal (IPv6 without brackets)
     * @return the addresses, at least one
     * @throws UnknownHostException when the name does not resolve
     */
    List<InetAddress> resolve(String host) throws UnknownHostException;
}
