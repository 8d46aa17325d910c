package io.pushcap.sink.s3.http;

import java.util.Locale;

/** Where a connection goes: the pool's key. */
record Endpoint(boolean tls, String host, int port) {
    static Endpoint of(String protocol, String host, int port) {
        boolean tls = switch (protocol.toLowerCase(Locale.ROOT)) {
            case "https" -> true;
            case "http" -> false;
            default -> throw new IllegalArgumentException("protocol: '" + protocol + "' (expected http or https)");
        };
        return new Endpoint(tls, host, port > 0 ? port : tls ? 443 : 80);
    }

    /** The Host header's value: the port only when it is not the scheme's default. */
    String hostHeader() {
        String h = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
        return port == (tls ? 443 : 80) ? h : h + ":" + port;
    }
}
