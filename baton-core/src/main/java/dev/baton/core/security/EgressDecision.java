package dev.baton.core.security;

import java.net.InetAddress;
import java.util.Objects;

/**
 * The egress policy's answer for one host and one of its addresses.
 *
 * @param allowed      whether a connection may be made
 * @param host         the host name (or literal) as the URL gave it
 * @param address      the address checked, normalised ({@link EgressPolicy#normalise})
 * @param addressClass the address's class
 * @param reason       why, for messages and logs: e.g. {@code "loopback"}, {@code "allow-listed by 127.0.0.0/8"},
 *                     {@code "denied by security.egress.deny entry 10.1.0.0/16"}
 */
public record EgressDecision(boolean allowed, String host, InetAddress address, AddressClass addressClass,
                             String reason) {
    public EgressDecision {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(addressClass, "addressClass");
        Objects.requireNonNull(reason, "reason");
    }
}
