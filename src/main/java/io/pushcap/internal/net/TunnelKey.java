package io.pushcap.internal.net;

import io.pushcap.PushcapException;

/**
 * Parses {@code -K}: a 32-bit unsigned number or a dotted quad "of any meaning to the user"
 * (fluxcap), then checks it against what the tunnel's key field holds: any 32-bit value for a
 * GRE key, 24 bits for a VXLAN VNI, 10 bits (0..1023) for an ERSPAN session ID.
 *
 * <p><b>Note:</b> stateless.
 */
public final class TunnelKey {
    private TunnelKey() {
    }

    /** @throws PushcapException naming the flag, the value and the valid range */
    public static long parse(String flag, String text, TunnelType type) {
        long v = number(flag, text.trim());
        if (v > type.maxKey()) {
            String shown = text.trim().contains(".") ? "'" + text.trim() + "' (= " + v + ")" : Long.toString(v);
            throw new PushcapException(flag + " " + shown + " is out of range for " + type.label() + ": the "
                    + type.keyMeaning() + " is 0.." + type.maxKey() + " (" + type.keyBits() + ")");
        }
        return v;
    }

    private static long number(String flag, String s) {
        if (s.matches("\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}")) {
            long v = 0;
            for (String octet : s.split("\\.")) {
                int o = Integer.parseInt(octet);
                if (o > 255) {
                    throw bad(flag, s);
                }
                v = v << 8 | o;
            }
            return v;
        }
        if (s.matches("\\d{1,10}")) {
            long v = Long.parseLong(s);
            if (v <= 0xFFFF_FFFFL) {
                return v;
            }
        }
        throw bad(flag, s);
    }

    private static PushcapException bad(String flag, String s) {
        return new PushcapException(flag + " '" + s + "' (expected a 32-bit number 0..4294967295 or a dotted quad"
                + " such as 0.0.1.244)");
    }
}
