package io.pushcap.synth;

import java.nio.charset.StandardCharsets;

/**
 * Payload bytes with honest compressibility: a text pool (log lines, JSON, HTML built from a
 * small vocabulary, so it compresses like real text) for HTTP and similar flows, and fresh
 * random bytes for encrypted ones (TLS records framed correctly across segments).
 *
 * <p><b>Note:</b> not thread-safe; shares the engine's random source.
 */
final class Payloads {
    private static final String[] WORDS = {"alpha", "beta", "gamma", "delta", "order", "customer", "price",
            "status", "active", "session", "request", "response", "account", "payment", "invoice", "item",
            "warehouse", "shipping", "region", "cluster", "node", "latency", "error", "timeout", "user",
            "login", "search", "result", "total", "quantity", "available", "pending", "completed", "cache",
            "lorem", "ipsum", "dolor", "sit", "amet", "consectetur", "adipiscing", "elit", "sed", "do"};
    private static final String[] LEVELS = {"INFO", "INFO", "INFO", "DEBUG", "WARN", "ERROR"};
    private static final int TEXT_POOL = 1 << 20;
    private static final int TLS_MAX_RECORD = 16384;

    private final SynthRandom r;
    final byte[] text;

    Payloads(SynthRandom r) {
        this.r = r;
        this.text = buildText();
    }

    private byte[] buildText() {
        StringBuilder b = new StringBuilder(TEXT_POOL + 512);
        int line = 0;
        while (b.length() < TEXT_POOL) {
            switch (r.nextInt(3)) {
                case 0 -> b.append("2024-01-01T").append(two(r.nextInt(24))).append(':').append(two(r.nextInt(60)))
                        .append(':').append(two(r.nextInt(60))).append('.').append(r.between(100, 999)).append("Z ")
                        .append(LEVELS[r.nextInt(LEVELS.length)]).append(" [worker-").append(r.nextInt(16)).append("] ")
                        .append(word()).append(' ').append(word()).append(" id=").append(r.nextInt(100000))
                        .append(" took=").append(r.nextInt(2000)).append("ms\n");
                case 1 -> b.append("{\"id\":").append(r.nextInt(1000000)).append(",\"name\":\"").append(word())
                        .append('-').append(word()).append("\",\"price\":").append(r.nextInt(10000) / 100.0)
                        .append(",\"").append(word()).append("\":\"").append(word()).append("\",\"active\":")
                        .append(r.chance(0.5)).append("}\n");
                default -> b.append("<tr class=\"row-").append(line % 2).append("\"><td>").append(word()).append(' ')
                        .append(word()).append("</td><td>").append(r.nextInt(1000)).append("</td></tr>\n");
            }
            line++;
        }
        return b.substring(0, TEXT_POOL).getBytes(StandardCharsets.US_ASCII);
    }

    private String word() {
        return WORDS[r.nextInt(WORDS.length)];
    }

    private static String two(int v) {
        return v < 10 ? "0" + v : Integer.toString(v);
    }

    /** Copies text from the pool at {@code poolPos} (wrapping). */
    void text(byte[] dst, int off, int len, long poolPos) {
        int p = (int) Math.floorMod(poolPos, (long) text.length);
        while (len > 0) {
            int n = Math.min(len, text.length - p);
            System.arraycopy(text, p, dst, off, n);
            off += n;
            len -= n;
            p = 0;
        }
    }

    void random(byte[] dst, int off, int len) {
        r.fill(dst, off, len);
    }

    /**
     * Half text, half random in 512-byte runs: typical of mixed application data. The random
     * runs are 7-bit so no heuristic dissector mistakes them for a binary protocol header.
     */
    void mixed(byte[] dst, int off, int len, long streamPos, int textOffset) {
        while (len > 0) {
            int n = (int) Math.min(len, 512 - Math.floorMod(streamPos, 512L));
            if (((streamPos >>> 9) & 1) == 0) {
                text(dst, off, n, textOffset + streamPos);
            } else {
                r.fill7(dst, off, n);
            }
            off += n;
            len -= n;
            streamPos += n;
        }
    }

    /** Starts a TLS byte stream of {@code length} bytes (at least 6) in direction {@code dir}. */
    static void tlsStart(Flow f, int dir, long length) {
        f.tlsStreamLeft[dir] = Math.max(6, length);
        f.tlsHeaderPos[dir] = 0;
        f.tlsBodyLeft[dir] = 0;
    }

    /** Writes the next {@code len} bytes of a TLS application-data stream: record headers and random bodies. */
    void tls(byte[] dst, int off, int len, Flow f, int dir) {
        int end = off + len;
        int i = off;
        while (i < end) {
            int hp = f.tlsHeaderPos[dir];
            if (hp < 5) {
                if (hp == 0) {
                    f.tlsRecordLength[dir] = nextRecordLength(f.tlsStreamLeft[dir]);
                }
                int recLen = f.tlsRecordLength[dir];
                dst[i++] = (byte) switch (hp) {
                    case 0 -> 23;
                    case 1 -> 3;
                    case 2 -> 3;
                    case 3 -> recLen >>> 8;
                    default -> recLen;
                };
                f.tlsHeaderPos[dir] = hp + 1;
                f.tlsStreamLeft[dir]--;
                if (hp == 4) {
                    f.tlsBodyLeft[dir] = recLen;
                }
                continue;
            }
            int n = Math.min(end - i, f.tlsBodyLeft[dir]);
            r.fill(dst, i, n);
            i += n;
            f.tlsBodyLeft[dir] -= n;
            f.tlsStreamLeft[dir] -= n;
            if (f.tlsBodyLeft[dir] == 0) {
                f.tlsHeaderPos[dir] = 0;
            }
        }
    }

    /** Record body length so that whatever remains after it is either nothing or a whole record (6+ bytes). */
    private static int nextRecordLength(long streamLeft) {
        long body = streamLeft - 5;
        if (body <= TLS_MAX_RECORD) {
            return (int) Math.max(1, body);
        }
        return body - TLS_MAX_RECORD < 6 ? TLS_MAX_RECORD - 6 : TLS_MAX_RECORD;
    }

    byte[] httpRequest(Flow f) {
        String host = "www." + WORDS[Math.floorMod(f.serverIp[f.serverIp.length - 1], WORDS.length)] + ".example";
        String path = "/" + word() + "/" + word() + "/" + r.nextInt(100000) + (r.chance(0.5) ? ".html" : "?q=" + word());
        return ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: pushcap-synth/1.0\r\n"
                + "Accept: */*\r\nAccept-Encoding: identity\r\nConnection: keep-alive\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** The response head for a body of {@code bodyLength} bytes. */
    static byte[] httpResponseHead(long bodyLength) {
        return ("HTTP/1.1 200 OK\r\nServer: synth\r\nContent-Type: text/plain\r\nContent-Length: " + bodyLength
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** Appends a DNS query (or its response) for a name derived from {@code nameSeed}. */
    void dns(FrameBuffer fb, int id, int nameSeed, boolean v6Answer, boolean response, int answers) {
        int p = fb.append(12);
        fb.put16(p, id);
        fb.put16(p + 2, response ? 0x8180 : 0x0100);
        fb.put16(p + 4, 1);
        fb.put16(p + 6, response ? answers : 0);
        fb.put16(p + 8, 0);
        fb.put16(p + 10, 0);
        label(fb, nameSeed % 3 == 0 ? "www" : nameSeed % 3 == 1 ? "api" : "cdn");
        label(fb, WORDS[Math.floorMod(nameSeed, WORDS.length)] + Math.floorMod(nameSeed, 97));
        label(fb, nameSeed % 2 == 0 ? "com" : "net");
        fb.put8(fb.append(1), 0);
        int q = fb.append(4);
        int type = v6Answer ? 28 : 1;
        fb.put16(q, type);
        fb.put16(q + 2, 1);
        if (response) {
            for (int i = 0; i < answers; i++) {
                int a = fb.append(12);
                fb.put16(a, 0xC00C);
                fb.put16(a + 2, type);
                fb.put16(a + 4, 1);
                fb.put32(a + 6, 300);
                int len = v6Answer ? 16 : 4;
                fb.put16(a + 10, len);
                r.fill(fb.buf, fb.append(len), len);
            }
        }
    }

    private static void label(FrameBuffer fb, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        fb.put8(fb.append(1), b.length);
        fb.append(b, 0, b.length);
    }
}
