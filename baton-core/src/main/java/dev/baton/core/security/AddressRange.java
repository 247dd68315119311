package dev.baton.core.security;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A block of IP addresses in CIDR notation ({@code 10.0.0.0/8}, {@code fd00::/8}); a bare address is a block of
 * one ({@code /32} or {@code /128}). IPv4 blocks contain IPv4 addresses only (IPv4-mapped IPv6 addresses are
 * normalised to IPv4 before matching, see {@link EgressPolicy#normalise}). Immutable.
 *
 * @param network      the first address of the block (host bits zero)
 * @param prefixLength 0..32 for IPv4, 0..128 for IPv6
 */
public record AddressRange(InetAddress network, int prefixLength) {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    public AddressRange {
        Objects.requireNonNull(network, "network");
        int bits = network.getAddress().length * 8;
        if (prefixLength < 0 || prefixLength > bits) {
            throw new IllegalArgumentException("prefix length must be in 0.." + bits + ", got " + prefixLength);
        }
        byte[] bytes = network.getAddress();
        if (!hostBitsZero(bytes, prefixLength)) {
            throw new IllegalArgumentException(network.getHostAddress() + "/" + prefixLength
                    + " has host bits set; the block starts at " + masked(bytes, prefixLength));
        }
    }

    /**
     * Parses {@code a.b.c.d/n}, {@code x:y::z/n} or a bare address. No DNS lookup is ever made.
     *
     * @throws IllegalArgumentException when {@code text} is not an address or block, naming the reason
     */
    public static AddressRange parse(String text) {
        String s = text.strip();
        int slash = s.indexOf('/');
        String address = slash < 0 ? s : s.substring(0, slash);
        InetAddress network = literal(address).orElseThrow(() -> new IllegalArgumentException(
                "'" + text + "' is not an IP address or CIDR block"));
        int bits = network.getAddress().length * 8;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(s.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' has no valid prefix length after '/'");
            }
        }
        try {
            return new AddressRange(network, prefix);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "': " + e.getMessage(), e);
        }
    }

    /**
     * The address an IP literal denotes, without any DNS lookup: dotted-quad IPv4 or IPv6 (optionally in
     * brackets); empty for anything else (a host name).
     */
    public static java.util.Optional<InetAddress> literal(String text) {
        String s = text.strip();
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        boolean v4 = IPV4.matcher(s).matches();
        if (!v4 && !(s.indexOf(':') >= 0 && s.matches("[0-9A-Fa-f:.]+"))) {
            return java.util.Optional.empty();
        }
        try {
            // getByName parses literals without a lookup; the patterns above keep names out
            return java.util.Optional.of(InetAddress.getByName(s));
        } catch (UnknownHostException e) {
            return java.util.Optional.empty();
        }
    }

    /** Whether {@code address} (already normalised) lies in this block. */
    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        byte[] n = network.getAddress();
        if (a.length != n.length) {
            return false;
        }
        int full = prefixLength / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != n[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (a[full] & mask) == (n[full] & mask);
    }

    private static boolean hostBitsZero(byte[] bytes, int prefix) {
        return java.util.Arrays.equals(bytes, maskedBytes(bytes, prefix));
    }

    private static byte[] maskedBytes(byte[] bytes, int prefix) {
        byte[] out = bytes.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            out[i] = (byte) (out[i] & ((0xff << (8 - keep)) & 0xff));
        }
        return out;
    }

    private static String masked(byte[] bytes, int prefix) {
        try {
            return InetAddress.getByAddress(maskedBytes(bytes, prefix)).getHostAddress() + "/" + prefix;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return network.getHostAddress() + "/" + prefixLength;
    }

    /** Whether this is an IPv4 block. */
    public boolean isIpv4() {
        return network instanceof Inet4Address;
    }
}
