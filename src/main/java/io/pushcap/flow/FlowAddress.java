package io.pushcap.flow;

import io.pushcap.PushcapException;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IP address as the flow cache keeps it: version plus two longs (IPv4 in the low 32 bits of
 * {@code lo}); parsing from and formatting to text (RFC 5952 for IPv6).
 *
 * <p><b>Note:</b> immutable and thread-safe; parsing never does a DNS lookup.
 *
 * @param version 4 or 6
 * @param hi      upper 64 bits (0 for IPv4)
 * @param lo      lower 64 bits
 */
public record FlowAddress(int version, long hi, long lo) {

    /**
     * Parses a literal IPv4 or IPv6 address (no host names: a flush names exact flows).
     *
     * @param what names the option in the error, such as "-s"
     */
    public static FlowAddress parse(String text, String what) {
        String t = text.trim();
        if (t.startsWith("[") && t.endsWith("]")) {
            t = t.substring(1, t.length() - 1);
        }
        boolean literal = !t.isEmpty() && (t.indexOf(':') >= 0 || t.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9')));
        if (!literal) {
            throw new PushcapException(what + ": '" + text + "' (expected an IPv4 or IPv6 address)");
        }
        InetAddress a;
        try {
            a = InetAddress.getByName(t); // a literal: no lookup happens
        } catch (UnknownHostException e) {
            throw new PushcapException(what + ": '" + text + "' (expected an IPv4 or IPv6 address)");
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            return new FlowAddress(4, 0, readInt(b, 0) & 0xffff_ffffL);
        }
        return new FlowAddress(6, readLong(b, 0), readLong(b, 8));
    }

    private static int readInt(byte[] b, int off) {
        return ((b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
    }

    private static long readLong(byte[] b, int off) {
        return ((long) readInt(b, off) << 32) | (readInt(b, off + 4) & 0xffff_ffffL);
    }

    @Override
    public String toString() {
        return format(version, hi, lo);
    }

    /** Dotted quad, or RFC 5952 text (lower case, longest zero run as ::). */
    public static String format(int version, long hi, long lo) {
        if (version == 4) {
            return ((lo >>> 24) & 0xff) + "." + ((lo >>> 16) & 0xff) + "." + ((lo >>> 8) & 0xff) + "." + (lo & 0xff);
        }
        int[] g = new int[8];
        for (int i = 0; i < 4; i++) {
            g[i] = (int) (hi >>> (48 - 16 * i)) & 0xffff;
            g[i + 4] = (int) (lo >>> (48 - 16 * i)) & 0xffff;
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder s = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                s.append("::");
                i += bestLen - 1;
                continue;
            }
            if (!s.isEmpty() && s.charAt(s.length() - 1) != ':') {
                s.append(':');
            }
            s.append(Integer.toHexString(g[i]));
        }
        return s.toString();
    }

    /** The address as an InetAddress (for sockets and tests). */
    public InetAddress toInetAddress() {
        try {
            if (version == 4) {
                return InetAddress.getByAddress(new byte[]{(byte) (lo >>> 24), (byte) (lo >>> 16), (byte) (lo >>> 8), (byte) lo});
            }
            byte[] b = new byte[16];
            for (int i = 0; i < 8; i++) {
                b[i] = (byte) (hi >>> (56 - 8 * i));
                b[i + 8] = (byte) (lo >>> (56 - 8 * i));
            }
            return Inet6Address.getByAddress(null, b, -1);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
