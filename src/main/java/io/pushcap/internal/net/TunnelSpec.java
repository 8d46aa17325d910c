package io.pushcap.internal.net;

import io.pushcap.PushcapException;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * A parsed {@code -E} argument: the tunnel type and, for sending, the remote endpoint, for
 * receiving, the optional local address and (VXLAN) port.
 *
 * <pre>
 *   gre:IP  gretap:IP  erspan:IP  erspan3:IP  vxlan:IP[:PORT]        (tx: IP is the remote end)
 *   gre[:IP]  gretap[:IP]  erspan[:IP]  vxlan[:IP][:PORT]  vxlan:PORT (rx: IP is a local address)
 *   IPv6: gretap:fd00::2, vxlan:[fd00::2]:4789
 * </pre>
 * IP may be a host name; it is resolved once, here.
 *
 * @param type    the tunnel
 * @param address remote (tx) or local (rx) address; null on rx for every local IPv4 address
 * @param port    VXLAN's UDP port (4789 by default), 0 for GRE types
 * @param text    the argument as given, for messages
 *
 * <p><b>Note:</b> immutable.
 */
public record TunnelSpec(TunnelType type, InetAddress address, int port, String text) {
    public static final int VXLAN_PORT = 4789;
    private static final String TX_FORMS = "gretap:IP, gre:IP, erspan:IP, erspan3:IP or vxlan:IP[:PORT]";
    private static final String RX_FORMS = "gretap[:IP], gre[:IP], erspan[:IP] or vxlan[:IP][:PORT]";

    /**
     * Parses {@code text}; {@code receive} selects the rx forms (address optional).
     *
     * @throws PushcapException naming the flag, the value and the valid forms
     */
    public static TunnelSpec parse(String flag, String text, boolean receive) {
        String forms = receive ? RX_FORMS : TX_FORMS;
        int colon = text.indexOf(':');
        String name = colon < 0 ? text : text.substring(0, colon);
        String rest = colon < 0 ? "" : text.substring(colon + 1);
        TunnelType type = TunnelType.byLabel(name.trim());
        if (type == null) {
            throw new PushcapException(flag + " '" + text + "': unknown tunnel '" + name + "' (expected " + forms + ")");
        }
        String host = rest;
        int port = type == TunnelType.VXLAN ? VXLAN_PORT : 0;
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0) {
                throw new PushcapException(flag + " '" + text + "': unclosed '[' (expected e.g. vxlan:[fd00::2]:4789)");
            }
            host = rest.substring(1, close);
            String after = rest.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw new PushcapException(flag + " '" + text + "': expected ':PORT' after ']' (e.g. vxlan:[fd00::2]:4789)");
                }
                port = port(flag, text, type, after.substring(1));
            }
        } else if (type == TunnelType.VXLAN && rest.matches("\\d+")) {
            host = "";
            port = port(flag, text, type, rest);
        } else if (rest.indexOf(':') >= 0 && rest.indexOf(':') == rest.lastIndexOf(':')) {
            host = rest.substring(0, rest.indexOf(':'));
            port = port(flag, text, type, rest.substring(rest.indexOf(':') + 1));
        }
        InetAddress address = null;
        if (host.isBlank()) {
            if (!receive) {
                throw new PushcapException(flag + " '" + text + "': the remote endpoint's address is missing (expected "
                        + forms + ")");
            }
        } else {
            address = resolve(flag, text, host.trim());
            if (!receive && (address.isAnyLocalAddress())) {
                throw new PushcapException(flag + " '" + text + "': " + host + " is not a remote endpoint (expected "
                        + forms + ")");
            }
        }
        return new TunnelSpec(type, address, port, text);
    }

    private static int port(String flag, String text, TunnelType type, String s) {
        if (type != TunnelType.VXLAN) {
            throw new PushcapException(flag + " '" + text + "': only vxlan takes a port (" + type.label()
                    + " is IP protocol 47)");
        }
        try {
            int p = Integer.parseInt(s.trim());
            if (p >= 1 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new PushcapException(flag + " '" + text + "': port '" + s + "' (expected 1..65535; VXLAN's is "
                + VXLAN_PORT + ")");
    }

    private static InetAddress resolve(String flag, String text, String host) {
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new PushcapException(flag + " '" + text + "': cannot resolve '" + host
                    + "' (expected an IPv4 or IPv6 address or a host name that resolves)");
        }
    }

    /** "vxlan to 10.0.0.2:4789" for logs. */
    public String describe() {
        String a = address == null ? "any address" : address.getHostAddress();
        return type.label() + (port > 0 ? " " + a + ":" + port : " " + a);
    }
}
