package dev.baton.core.security;

/**
 * What kind of network an IP address belongs to, as far as the egress policy cares. Every class but
 * {@link #PUBLIC} is denied unless allow-listed (see {@link EgressPolicy}).
 *
 * <p>Ranges: IANA IPv4 and IPv6 Special-Purpose Address Registries (RFC 6890 and its updates: RFC 1122
 * "this network", RFC 1918 private, RFC 3927 IPv4 link-local, RFC 6598 shared address space, RFC 4193 unique
 * local, RFC 4291 IPv6 link-local and multicast, RFC 3879 deprecated site-local) and the metadata endpoints the
 * clouds document (AWS 169.254.169.254, fd00:ec2::254 and ECS 169.254.170.2; GCP 169.254.169.254 and
 * fd20:ce::254; Azure 169.254.169.254 and the WireServer 168.63.129.16; Alibaba 100.100.100.200).
 */
public enum AddressClass {
    /** Anything not listed below: reachable by default. */
    PUBLIC("public"),
    /** 127.0.0.0/8, ::1. */
    LOOPBACK("loopback"),
    /** 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, fc00::/7 (unique local), fec0::/10 (site-local). */
    PRIVATE("private"),
    /** 169.254.0.0/16, fe80::/10 (other than the metadata endpoints). */
    LINK_LOCAL("link-local"),
    /** A cloud instance-metadata endpoint (credentials live there): the addresses above, and known names. */
    CLOUD_METADATA("cloud metadata"),
    /** 100.64.0.0/10, the carrier-grade NAT shared address space (RFC 6598). */
    SHARED("carrier-grade NAT"),
    /** 0.0.0.0/8 and :: ("this host"; connecting to 0.0.0.0 reaches the local host on Linux). */
    UNSPECIFIED("unspecified"),
    /** 224.0.0.0/4, ff00::/8. */
    MULTICAST("multicast"),
    /** 255.255.255.255. */
    BROADCAST("broadcast"),
    /**
     * Special-purpose blocks that are not globally reachable: 240.0.0.0/4, 192.0.0.0/24, 192.0.2.0/24,
     * 198.18.0.0/15, 198.51.100.0/24, 203.0.113.0/24, ::/96 (what normalising leaves of it), 100::/64, 2001::/32
     * (Teredo), 2001:2::/48, 2001:10::/28, 2001:db8::/32, 64:ff9b:1::/48 (local-use NAT64), 3fff::/20, 5f00::/16.
     */
    RESERVED("reserved");

    private final String label;

    AddressClass(String label) {
        this.label = label;
    }

    /** Lower-case words for messages, e.g. {@code "cloud metadata"}. */
    public String label() {
        return label;
    }

    /** Whether the egress policy refuses addresses of this class unless they are allow-listed. */
    public boolean deniedByDefault() {
        return this != PUBLIC;
    }
}
