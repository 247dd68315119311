package dev.baton.core.security;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Which addresses outgoing connections ({@code http} steps, their redirects, provider base URLs) may reach. By
 * default every address that is not {@link AddressClass#PUBLIC} is denied: loopback, private, link-local, cloud
 * metadata, carrier-grade NAT, unspecified, multicast, broadcast and reserved ranges (see {@link AddressClass}),
 * and the metadata host names {@link #METADATA_HOSTS}. Operators open what their workflows need with
 * {@code security.egress.allow} (CIDR blocks, addresses, host names, {@code *.domain} wildcards) and close more
 * with {@code security.egress.deny}.
 *
 * <p>The rules, first match wins, for a host name {@code h} that resolved to address {@code a}:
 * <ol>
 *   <li>policy disabled → allowed;</li>
 *   <li>{@code h} matches a deny host pattern or a metadata name, or {@code a} lies in a deny block → denied;</li>
 *   <li>{@code a} lies in an allow block → allowed, but a cloud metadata address only when the block is that
 *       single address ({@code 169.254.169.254/32}): a wider block ({@code 169.254.0.0/16}, {@code 0.0.0.0/0})
 *       written to reach something else does not open it;</li>
 *   <li>{@code h} matches an allow host pattern → allowed, unless {@code a} is a cloud metadata address (those
 *       are reachable only through an allow entry naming the address itself, so a trusted name that resolves
 *       there is still refused);</li>
 *   <li>otherwise allowed exactly when {@code a} is {@link AddressClass#PUBLIC}.</li>
 * </ol>
 * Addresses are {@linkplain #normalise normalised} first: IPv4-mapped ({@code ::ffff:a.b.c.d}), IPv4-compatible
 * ({@code ::a.b.c.d}), NAT64 ({@code 64:ff9b::/96}) and 6to4 ({@code 2002::/16}) IPv6 addresses are checked as
 * the IPv4 address they carry.
 *
 * <p>The policy checks addresses, so a caller must check the addresses it actually connects to (resolve once,
 * filter with {@link #permitted}, connect only to what is left): checking a name and letting the client resolve
 * it again would let a DNS answer that changes in between (DNS rebinding) through. Immutable and thread-safe.
 *
 * @param enabled     false switches the policy off (everything allowed)
 * @param allowRanges address blocks always allowed (unless denied)
 * @param allowHosts  host names allowed whatever they resolve to (but cloud metadata addresses)
 * @param denyRanges  address blocks always denied
 * @param denyHosts   host names always denied
 */
public record EgressPolicy(boolean enabled, List<AddressRange> allowRanges, List<HostPattern> allowHosts,
                           List<AddressRange> denyRanges, List<HostPattern> denyHosts) {

    /** Host names of cloud metadata services, denied by name whatever they resolve to. */
    public static final List<HostPattern> METADATA_HOSTS = List.of(HostPattern.parse("metadata.google.internal"),
            HostPattern.parse("metadata.goog"), HostPattern.parse("metadata"));
    /** The product default: enabled, nothing allow-listed. */
    public static final EgressPolicy DEFAULT = new EgressPolicy(true, List.of(), List.of(), List.of(), List.of());
    /** The policy switched off ({@code security.egress.enabled: false}). */
    public static final EgressPolicy DISABLED = new EgressPolicy(false, List.of(), List.of(), List.of(), List.of());
    /** The setting to name in messages telling an operator how to open a destination. */
    public static final String ALLOW_SETTING = "security.egress.allow";

    private static final String METADATA_NAME = "a cloud metadata host name, never reachable";
    private static final AddressRange[] METADATA = ranges("169.254.169.254", "169.254.170.2", "100.100.100.200",
            "168.63.129.16", "fd00:ec2::254", "fd20:ce::254");
    /**
     * IANA special-purpose blocks that are not globally reachable and fall in no other class (RFC 6890 and
     * updates): IETF protocol assignments, the documentation and benchmarking ranges (198.18.0.0/15 is also what
     * fake-IP proxies hand out), IPv6 discard-only, Teredo, ORCHID, the local-use NAT64 prefix (RFC 8215; what it
     * translates to depends on the network, so it is denied as a whole) and SRv6 SIDs.
     */
    private static final AddressRange[] RESERVED = ranges("192.0.0.0/24", "192.0.2.0/24", "198.18.0.0/15",
            "198.51.100.0/24", "203.0.113.0/24", "100::/64", "2001::/32", "2001:2::/48", "2001:10::/28",
            "2001:db8::/32", "64:ff9b:1::/48", "3fff::/20", "5f00::/16");

    public EgressPolicy {
        allowRanges = List.copyOf(allowRanges);
        allowHosts = List.copyOf(allowHosts);
        denyRanges = List.copyOf(denyRanges);
        denyHosts = List.copyOf(denyHosts);
    }

    /**
     * A policy from the entries of {@code security.egress.allow} and {@code .deny}: each a CIDR block, an IP
     * address, a host name or a {@code *.domain} wildcard.
     *
     * @throws IllegalArgumentException naming the first entry that is none of those
     */
    public static EgressPolicy of(boolean enabled, List<String> allow, List<String> deny) {
        List<AddressRange> allowRanges = new ArrayList<>();
        List<HostPattern> allowHosts = new ArrayList<>();
        List<AddressRange> denyRanges = new ArrayList<>();
        List<HostPattern> denyHosts = new ArrayList<>();
        sort(allow, allowRanges, allowHosts);
        sort(deny, denyRanges, denyHosts);
        return new EgressPolicy(enabled, allowRanges, allowHosts, denyRanges, denyHosts);
    }

    private static void sort(List<String> entries, List<AddressRange> ranges, List<HostPattern> hosts) {
        for (String entry : entries) {
            Objects.requireNonNull(entry, "entry");
            if (entry.contains("/") || AddressRange.literal(entry).isPresent()) {
                ranges.add(AddressRange.parse(entry));
            } else {
                hosts.add(HostPattern.parse(entry));
            }
        }
    }

    /** This policy with {@code entries} (CIDR blocks, addresses or host names) added to the allow list. */
    public EgressPolicy allowing(String... entries) {
        EgressPolicy extra = of(enabled, List.of(entries), List.of());
        return new EgressPolicy(enabled, concat(allowRanges, extra.allowRanges), concat(allowHosts, extra.allowHosts),
                denyRanges, denyHosts);
    }

    /** Whether {@code host} may be connected to at {@code address}, and why. */
    public EgressDecision check(String host, InetAddress address) {
        InetAddress a = normalise(address);
        AddressClass type = classify(a);
        if (!enabled) {
            return new EgressDecision(true, host, a, type, "egress policy disabled");
        }
        for (HostPattern deny : denyHosts) {
            if (deny.matches(host)) {
                return new EgressDecision(false, host, a, type, "host denied by security.egress.deny entry " + deny);
            }
        }
        for (HostPattern metadata : METADATA_HOSTS) {
            if (metadata.matches(host)) {
                return new EgressDecision(false, host, a, AddressClass.CLOUD_METADATA, METADATA_NAME);
            }
        }
        for (AddressRange deny : denyRanges) {
            if (deny.contains(a)) {
                return new EgressDecision(false, host, a, type, "denied by security.egress.deny entry " + deny);
            }
        }
        for (AddressRange allow : allowRanges) {
            // a metadata address opens only when named on its own (/32, /128), never inside a wider block such as
            // 169.254.0.0/16 or 0.0.0.0/0 written to reach something else
            boolean single = allow.prefixLength() == a.getAddress().length * 8;
            if (allow.contains(a) && (type != AddressClass.CLOUD_METADATA || single)) {
                return new EgressDecision(true, host, a, type, "allow-listed by " + allow);
            }
        }
        if (type != AddressClass.CLOUD_METADATA) {
            for (HostPattern allow : allowHosts) {
                if (allow.matches(host)) {
                    return new EgressDecision(true, host, a, type, "allow-listed by " + allow);
                }
            }
        }
        return new EgressDecision(!type.deniedByDefault(), host, a, type, type.label());
    }

    /**
     * Resolves {@code host} once and keeps the addresses this policy allows, in the resolver's order: the only
     * addresses a caller may connect to.
     *
     * @param host     a host name or IP literal (IPv6 with or without brackets)
     * @param resolver where names are looked up
     * @return the allowed addresses, at least one
     * @throws UnknownHostException when the name does not resolve
     * @throws BatonException       EGRESS_DENIED (not retriable) when no address is allowed, naming the host, the
     *                              first refused address and its class, and {@value #ALLOW_SETTING}
     */
    public List<InetAddress> permitted(String host, HostResolver resolver) throws UnknownHostException {
        String name = unbracket(host);
        List<InetAddress> resolved = resolve(name, resolver);
        List<InetAddress> allowed = new ArrayList<>(resolved.size());
        EgressDecision refused = null;
        for (InetAddress address : resolved) {
            EgressDecision decision = check(name, address);
            if (decision.allowed()) {
                allowed.add(address);
            } else if (refused == null) {
                refused = decision;
            }
        }
        if (allowed.isEmpty()) {
            throw denied(refused);
        }
        return List.copyOf(allowed);
    }

    /**
     * Resolves {@code host} once and requires that this policy allows <em>every</em> address of the answer: for
     * callers that cannot choose the address they connect to (the JDK's {@code HttpClient} resolves the name
     * itself and connects to the first address of the JVM's answer), where keeping only the allowed addresses,
     * as {@link #permitted} does, would still let the connection go to a refused one.
     *
     * @return every resolved address (all allowed), in the resolver's order
     * @throws UnknownHostException when the name does not resolve
     * @throws BatonException       EGRESS_DENIED (not retriable) naming the host, the first refused address and its
     *                              class
     */
    public List<InetAddress> requireAll(String host, HostResolver resolver) throws UnknownHostException {
        String name = unbracket(host);
        List<InetAddress> resolved = resolve(name, resolver);
        for (InetAddress address : resolved) {
            EgressDecision decision = check(name, address);
            if (!decision.allowed()) {
                throw denied(decision);
            }
        }
        return List.copyOf(resolved);
    }

    private static String unbracket(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static List<InetAddress> resolve(String name, HostResolver resolver) throws UnknownHostException {
        List<InetAddress> resolved = AddressRange.literal(name).map(List::of).orElse(null);
        if (resolved == null) {
            resolved = resolver.resolve(name);
        }
        if (resolved == null || resolved.isEmpty()) {
            throw new UnknownHostException(name + ": no addresses");
        }
        return resolved;
    }

    /**
     * The EGRESS_DENIED error for a refused decision, naming the host, the address, its class and how to allow
     * it, e.g. {@code egress denied: api.example.com (127.0.0.1) is a loopback address, which the egress policy
     * does not allow; add the host or its range to security.egress.allow to reach it}.
     */
    public static BatonException denied(EgressDecision decision) {
        String literal = decision.address().getHostAddress();
        String target = HostPattern.canonical(decision.host()).equals(literal) ? literal
                : decision.host() + " (" + literal + ")";
        String label = decision.addressClass().label();
        String what = target + " is " + ("aeiou".indexOf(label.charAt(0)) >= 0 ? "an " : "a ") + label + " address";
        String why = decision.reason().equals(label) ? ", which the egress policy does not allow"
                : " (" + decision.reason() + ")";
        // a deny entry or a metadata name cannot be opened by allow-listing; anything else can
        String fix = decision.reason().contains("security.egress.deny") || decision.reason().equals(METADATA_NAME)
                ? "" : "; add the host or its range to " + ALLOW_SETTING + " to reach it";
        return new BatonException(ErrorCode.EGRESS_DENIED, "egress denied: " + what + why + fix);
    }

    /**
     * The IPv4 address an IPv6 address carries when it is IPv4-mapped ({@code ::ffff:0:0/96}), IPv4-compatible
     * ({@code ::/96} but {@code ::} and {@code ::1}), NAT64 ({@code 64:ff9b::/96}, RFC 6052) or 6to4
     * ({@code 2002::/16}, RFC 3056); else {@code address} itself.
     */
    public static InetAddress normalise(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address;
        }
        byte[] b = address.getAddress();
        boolean zero80 = allZero(b, 0, 10);
        boolean mapped = zero80 && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
        boolean compatible = zero80 && b[10] == 0 && b[11] == 0 && !allZero(b, 12, 15);
        boolean nat64 = (b[0] & 0xff) == 0 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff
                        && (b[3] & 0xff) == 0x9b && allZero(b, 4, 12);
        if (mapped || compatible || nat64) {
            return ipv4(Arrays.copyOfRange(b, 12, 16));
        }
        if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) {
            return ipv4(Arrays.copyOfRange(b, 2, 6));
        }
        return address;
    }

    /** The class of a normalised address. */
    public static AddressClass classify(InetAddress address) {
        for (AddressRange metadata : METADATA) {
            if (metadata.contains(address)) {
                return AddressClass.CLOUD_METADATA;
            }
        }
        byte[] b = address.getAddress();
        int b0 = b[0] & 0xff;
        int b1 = b[1] & 0xff;
        if (address instanceof Inet4Address) {
            if (b0 == 0) {
                return AddressClass.UNSPECIFIED;
            } else if (b0 == 127) {
                return AddressClass.LOOPBACK;
            } else if (b0 == 10 || (b0 == 172 && (b1 & 0xf0) == 16) || (b0 == 192 && b1 == 168)) {
                return AddressClass.PRIVATE;
            } else if (b0 == 169 && b1 == 254) {
                return AddressClass.LINK_LOCAL;
            } else if (b0 == 100 && (b1 & 0xc0) == 64) {
                return AddressClass.SHARED;
            } else if ((b0 & 0xf0) == 224) {
                return AddressClass.MULTICAST;
            } else if (allOnes(b)) {
                return AddressClass.BROADCAST;
            } else if ((b0 & 0xf0) == 240 || reserved(address)) {
                return AddressClass.RESERVED;
            }
            return AddressClass.PUBLIC;
        }
        if (allZero(b, 0, 16)) {
            return AddressClass.UNSPECIFIED;
        } else if (allZero(b, 0, 15) && b[15] == 1) {
            return AddressClass.LOOPBACK;
        } else if ((b0 & 0xfe) == 0xfc || (b0 == 0xfe && (b1 & 0xc0) == 0xc0)) {
            return AddressClass.PRIVATE;
        } else if (b0 == 0xfe && (b1 & 0xc0) == 0x80) {
            return AddressClass.LINK_LOCAL;
        } else if (b0 == 0xff) {
            return AddressClass.MULTICAST;
        } else if (allZero(b, 0, 12) || reserved(address)) {
            return AddressClass.RESERVED; // ::/96 left after normalise (::0.0.0.2 to ::0.0.0.255), special blocks
        }
        return AddressClass.PUBLIC;
    }

    private static boolean reserved(InetAddress address) {
        for (AddressRange range : RESERVED) {
            if (range.contains(address)) {
                return true;
            }
        }
        return false;
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean allOnes(byte[] b) {
        for (byte x : b) {
            if (x != (byte) 0xff) {
                return false;
            }
        }
        return true;
    }

    private static InetAddress ipv4(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 bytes are always an IPv4 address", e);
        }
    }

    private static AddressRange[] ranges(String... blocks) {
        return Arrays.stream(blocks).map(AddressRange::parse).toArray(AddressRange[]::new);
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
