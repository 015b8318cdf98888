package dev.strangler.gateway.routing;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * A range of addresses in CIDR notation ({@code 10.0.0.0/8}, {@code fd00::/8}; a bare address is a range of one), as
 * {@code strangler.trusted-proxies} names the proxies whose forwarding headers are believed. An IPv4 range holds only
 * IPv4 addresses and an IPv6 range only IPv6 ones. Only address literals are taken: a host name would be looked up
 * once at start and silently trusted as whatever it resolved to then.
 */
final class AddressRange {

    private final byte[] network;
    private final int prefix;

    private AddressRange(byte[] network, int prefix) {
        this.network = network;
        this.prefix = prefix;
    }

    static AddressRange parse(String cidr) {
        String text = cidr.trim();
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        try {
            byte[] bytes = literal(address);
            int prefix = slash < 0 ? bytes.length * 8 : Integer.parseInt(text.substring(slash + 1));
            if (prefix < 0 || prefix > bytes.length * 8) {
                throw new IllegalArgumentException("prefix out of range");
            }
            return new AddressRange(masked(bytes, prefix), prefix);
        }
        catch (UnknownHostException | RuntimeException e) {
            throw new IllegalArgumentException("strangler.trusted-proxies: '" + cidr
                    + "' is not an address range; write CIDR notation such as 10.0.0.0/8 or 127.0.0.1/32", e);
        }
    }

    /** The bytes of an IPv4 or IPv6 address literal; never a name lookup. */
    private static byte[] literal(String address) throws UnknownHostException {
        if (address.contains(":")) {
            // In brackets, the JDK takes the text as an IPv6 literal or refuses it; it never looks it up.
            return InetAddress.getByName("[" + address + "]").getAddress();
        }
        String[] parts = address.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + address);
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            if (parts[i].isEmpty() || parts[i].length() > 3 || !parts[i].chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("not an IPv4 address: " + address);
            }
            int value = Integer.parseInt(parts[i]);
            if (value > 255) {
                throw new IllegalArgumentException("not an IPv4 address: " + address);
            }
            bytes[i] = (byte) value;
        }
        return bytes;
    }

    boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        return bytes.length == network.length && Arrays.equals(masked(bytes, prefix), network);
    }

    private static byte[] masked(byte[] address, int prefix) {
        byte[] out = address.clone();
        for (int i = 0; i < out.length; i++) {
            int bits = Math.max(0, Math.min(8, prefix - i * 8));
            out[i] &= (byte) (0xff << (8 - bits));
        }
        return out;
    }
}
