package io.pushcap.synth;

import static io.pushcap.pipeline.decap.EncapDescriptor.*;

/**
 * Makes one packet at a time: picks a flow slot with a Zipf-like skew, advances that flow by
 * one packet, builds its innermost packet, wraps it in the flow's encapsulations and records
 * where the innermost frame lies so the decapsulated twin can be cut from the same bytes.
 *
 * <p><b>Note:</b> not thread-safe. The frame stays in {@link #frame} until the next call; nothing
 * is allocated per packet except when a flow starts or an HTTP exchange begins.
 */
final class TrafficEngine {
    static final int HEADROOM = 1024;
    private static final int ETH_PAYLOAD = -1;
    private static final int MAX_FRAME = 9216;
    private static final int[] HTTP_PORTS = {80, 80, 80, 8080};
    /** TCP/UDP ports with no dissector in Wireshark, so random payloads there are plain data. */
    static final int[] OTHER_PORTS = {9999, 28000, 30303, 45000};

    final FrameBuffer frame = new FrameBuffer(HEADROOM + MAX_FRAME + 64);
    /** Where the innermost frame's MACs and L3 packet start, its ethertype and its end. */
    int macPos;
    int l3Pos;
    int innerType;
    int twinEnd;
    int layersAdded;

    private final Mix mix;
    private final SynthRandom r;
    private final Topology topo;
    private final Payloads payloads;
    private final Flow[] flows;
    private final double[] cdf;
    private long now;

    TrafficEngine(Mix mix, long seed, int flowCount) {
        this.mix = mix;
        this.r = new SynthRandom(seed);
        this.topo = new Topology(r);
        this.payloads = new Payloads(r);
        this.flows = new Flow[flowCount];
        this.cdf = new double[flowCount];
        double acc = 0;
        for (int i = 0; i < flowCount; i++) {
            acc += 1.0 / (i + 1);
            cdf[i] = acc;
        }
    }

    /** Builds the next packet, stamped {@code timestampNanos}, into {@link #frame}. */
    void next(long timestampNanos) {
        now = timestampNanos;
        int slot = pickSlot();
        Flow f = flows[slot];
        if (f == null || f.done()) {
            f = newFlow();
            flows[slot] = f;
        }
        frame.reset(HEADROOM);
        int dir = switch (f.kind) {
            case HTTP, TLS, TCP_OTHER -> tcp(f);
            case DNS, UDP_BULK, MULTICAST -> udp(f);
            case ICMP -> icmp(f);
            case ARP -> arp(f);
        };
        wrap(f, dir);
    }

    private int pickSlot() {
        double u = r.nextDouble() * cdf[cdf.length - 1];
        int lo = 0;
        int hi = cdf.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cdf[mid] < u) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private Flow newFlow() {
        Flow f = new Flow();
        f.kind = pickKind();
        f.v6 = f.kind != Flow.Kind.ARP && mix != Mix.SMALL && r.chance(0.25);
        f.clientIp = f.v6 ? topo.clientV6() : topo.clientV4();
        boolean multicast = f.kind == Flow.Kind.MULTICAST;
        f.serverIp = switch (f.kind) {
            case DNS -> f.v6 ? topo.dnsV6[0] : topo.dnsV4[r.nextInt(2)];
            case MULTICAST -> topo.group(f.v6);
            case ARP -> topo.clientV4();
            default -> topo.server(f.v6);
        };
        EncapPlan.Template t = EncapPlan.pick(mix, r, f.kind == Flow.Kind.ARP, multicast);
        boolean pwSafe = t == EncapPlan.Template.PW_NO_CW;
        f.clientMac = topo.hostMac(pwSafe);
        f.serverMac = multicast ? Topology.multicastMac(f.serverIp) : topo.hostMac(pwSafe);
        f.plan = EncapPlan.build(t, r, topo, f.clientMac, f.serverMac);
        int mtu = mix == Mix.JUMBO && r.chance(0.5) ? 9000 : 1500;
        f.maxIp = mtu - f.plan.overhead;
        f.clientTtl = (r.chance(0.7) ? 64 : 128) - r.nextInt(8);
        f.serverTtl = (r.chance(0.6) ? 64 : r.chance(0.5) ? 128 : 255) - r.between(3, 20);
        f.clientIpId = r.nextInt(0x10000);
        f.serverIpId = r.nextInt(0x10000);
        f.flowLabel = r.nextInt(1 << 20);
        f.clientPort = r.between(32768, 60999);
        f.serverPort = switch (f.kind) {
            case HTTP -> HTTP_PORTS[r.nextInt(HTTP_PORTS.length)];
            case TLS -> 443;
            case DNS -> 53;
            default -> OTHER_PORTS[r.nextInt(OTHER_PORTS.length)];
        };
        f.clientSeq = r.nextInt();
        f.serverSeq = r.nextInt();
        f.requestsLeft = r.chance(0.3) ? r.between(1, 3) : 0;
        f.resetAtEnd = r.chance(0.08);
        f.serverCloses = r.chance(0.4);
        f.textOffset = r.nextInt(payloads.text.length);
        f.counter = r.nextInt(0x10000);
        f.packetsLeft = switch (f.kind) {
            case UDP_BULK -> (int) r.logNormal(4, 1.5, 5, 20000);
            case MULTICAST -> (int) r.logNormal(5, 1.5, 10, 50000);
            case ICMP -> 2 * r.between(1, 10);
            default -> 2;
        };
        return f;
    }

    private Flow.Kind pickKind() {
        int k = r.nextInt(100);
        if (mix == Mix.SMALL) {
            return k < 50 ? Flow.Kind.TCP_OTHER : k < 75 ? Flow.Kind.UDP_BULK : k < 90 ? Flow.Kind.ICMP : Flow.Kind.ARP;
        }
        if (k < 18) {
            return Flow.Kind.HTTP;
        } else if (k < 48) {
            return Flow.Kind.TLS;
        } else if (k < 56) {
            return Flow.Kind.TCP_OTHER;
        } else if (k < 68) {
            return Flow.Kind.DNS;
        } else if (k < 76) {
            return Flow.Kind.UDP_BULK;
        } else if (k < 80) {
            return Flow.Kind.MULTICAST;
        } else if (k < 90) {
            return Flow.Kind.ICMP;
        }
        return Flow.Kind.ARP;
    }

    private boolean small() {
        return mix == Mix.SMALL;
    }

    private int ipHeader(Flow f) {
        return f.v6 ? IPV6_HEADER : IPV4_MIN_HEADER;
    }

    // ---- TCP ----

    private int tcp(Flow f) {
        int dir;
        int flags;
        int opts = small() ? Headers.TCP_OPTS_NONE : Headers.TCP_OPTS_TS;
        int seq;
        int ack;
        int len = 0;
        switch (f.phase) {
            case Flow.SYN -> {
                dir = 0;
                flags = Headers.TCP_SYN;
                seq = f.clientSeq++;
                ack = 0;
                opts = small() ? opts : Headers.TCP_OPTS_SYN;
                f.phase = Flow.SYN_ACK;
            }
            case Flow.SYN_ACK -> {
                dir = 1;
                flags = Headers.TCP_SYN | Headers.TCP_ACK;
                seq = f.serverSeq++;
                ack = f.clientSeq;
                opts = small() ? opts : Headers.TCP_OPTS_SYN;
                f.phase = Flow.HANDSHAKE_ACK;
            }
            case Flow.HANDSHAKE_ACK -> {
                dir = 0;
                flags = Headers.TCP_ACK;
                seq = f.clientSeq;
                ack = f.serverSeq;
                f.phase = Flow.REQUEST;
            }
            case Flow.REQUEST -> {
                dir = 0;
                flags = Headers.TCP_PSH | Headers.TCP_ACK;
                seq = f.clientSeq;
                ack = f.serverSeq;
                len = request(f);
                f.clientSeq += len;
                f.phase = Flow.RESPONSE;
            }
            case Flow.RESPONSE -> {
                dir = 1;
                seq = f.serverSeq;
                ack = f.clientSeq;
                len = (int) Math.min(segmentPayload(f), f.responseLeft);
                responseBytes(f, len);
                f.serverSeq += len;
                f.responseLeft -= len;
                flags = Headers.TCP_ACK | (f.responseLeft == 0 ? Headers.TCP_PSH : 0);
                if (f.responseLeft == 0 || ++f.segmentsSinceAck == 2) {
                    f.phase = Flow.CLIENT_ACK;
                }
            }
            case Flow.CLIENT_ACK -> {
                dir = 0;
                flags = Headers.TCP_ACK;
                seq = f.clientSeq;
                ack = f.serverSeq;
                f.segmentsSinceAck = 0;
                if (f.responseLeft > 0) {
                    f.phase = Flow.RESPONSE;
                } else if (f.requestsLeft > 0) {
                    f.requestsLeft--;
                    f.phase = Flow.REQUEST;
                } else {
                    f.phase = f.resetAtEnd ? Flow.RESET : Flow.FIN_1;
                }
            }
            case Flow.FIN_1, Flow.FIN_2 -> {
                boolean first = f.phase == Flow.FIN_1;
                dir = first == f.serverCloses ? 1 : 0;
                flags = Headers.TCP_FIN | Headers.TCP_ACK;
                seq = dir == 0 ? f.clientSeq++ : f.serverSeq++;
                ack = dir == 0 ? f.serverSeq : f.clientSeq;
                f.phase = first ? Flow.FIN_2 : Flow.LAST_ACK;
            }
            case Flow.LAST_ACK -> {
                dir = f.serverCloses ? 1 : 0;
                flags = Headers.TCP_ACK;
                seq = dir == 0 ? f.clientSeq : f.serverSeq;
                ack = dir == 0 ? f.serverSeq : f.clientSeq;
                f.phase = Flow.DONE;
            }
            default -> {
                dir = 1;
                flags = Headers.TCP_RST | Headers.TCP_ACK;
                seq = f.serverSeq;
                ack = f.clientSeq;
                opts = Headers.TCP_OPTS_NONE;
                f.phase = Flow.DONE;
            }
        }
        byte[] src = dir == 0 ? f.clientIp : f.serverIp;
        byte[] dst = dir == 0 ? f.serverIp : f.clientIp;
        int tsVal = (int) (now / 1_000_000L) + (dir == 0 ? 0 : 12345);
        int tsEcr = f.phase <= Flow.SYN_ACK && dir == 0 ? 0 : tsVal - 7;
        int mss = f.maxIp - ipHeader(f) - 20;
        Headers.tcp(frame, src, dst, dir == 0 ? f.clientPort : f.serverPort, dir == 0 ? f.serverPort : f.clientPort,
                seq, ack, flags, dir == 0 ? 502 : 64240, opts, tsVal, tsEcr, mss);
        ip(f, dir, IPPROTO_TCP);
        return dir;
    }

    private int segmentPayload(Flow f) {
        return small() ? 6 : f.maxIp - ipHeader(f) - 32;
    }

    private int request(Flow f) {
        long budget = small() ? r.between(6, 60) : r.logNormal(9.0, 2.0, 200, 20_000_000);
        f.responseLeft = budget;
        f.streamPos = 0;
        if (small()) {
            int n = r.between(0, 6);
            payloads.random(frame.buf, frame.append(n), n);
            return n;
        }
        switch (f.kind) {
            case HTTP -> {
                byte[] req = payloads.httpRequest(f);
                frame.append(req, 0, req.length);
                long body = Math.max(1, budget - 100);
                f.httpHead = Payloads.httpResponseHead(body);
                f.responseLeft = f.httpHead.length + body;
                return req.length;
            }
            case TLS -> {
                int n = r.between(100, 600);
                Payloads.tlsStart(f, 0, n);
                payloads.tls(frame.buf, frame.append(n), n, f, 0);
                Payloads.tlsStart(f, 1, budget);
                return n;
            }
            default -> {
                int n = r.between(20, 300);
                payloads.mixed(frame.buf, frame.append(n), n, r.nextInt(1 << 20), f.textOffset);
                return n;
            }
        }
    }

    private void responseBytes(Flow f, int len) {
        int p = frame.append(len);
        if (small()) {
            payloads.random(frame.buf, p, len);
        } else if (f.kind == Flow.Kind.TLS) {
            payloads.tls(frame.buf, p, len, f, 1);
        } else if (f.kind == Flow.Kind.HTTP) {
            int headLen = f.httpHead.length;
            int n = 0;
            if (f.streamPos < headLen) {
                n = (int) Math.min(len, headLen - f.streamPos);
                System.arraycopy(f.httpHead, (int) f.streamPos, frame.buf, p, n);
            }
            payloads.text(frame.buf, p + n, len - n, f.textOffset + f.streamPos + n - headLen);
        } else {
            payloads.mixed(frame.buf, p, len, f.streamPos, f.textOffset);
        }
        f.streamPos += len;
    }

    // ---- UDP, ICMP, ARP ----

    private int udp(Flow f) {
        int dir;
        int room = f.maxIp - ipHeader(f) - UDP_HEADER;
        switch (f.kind) {
            case DNS -> {
                dir = f.phase == 0 ? 0 : 1;
                payloads.dns(frame, f.counter, f.textOffset, f.v6 ^ (f.counter & 1) == 1, dir == 1, 1 + (f.counter & 3) % 3);
                f.phase = dir == 0 ? 1 : Flow.DONE;
            }
            case MULTICAST -> {
                dir = 0;
                int n = small() ? 18 : Math.min(room, r.between(100, 1300));
                int p = frame.append(n);
                frame.put32(p, f.counter++);
                payloads.mixed(frame.buf, p + 4, n - 4, f.streamPos, f.textOffset);
                f.streamPos += n;
                countDown(f);
            }
            default -> {
                dir = small() || (f.counter++ % 20) != 0 ? 1 : 0;
                int n = small() ? 18 : dir == 0 ? r.between(40, 80) : Math.min(room, mix == Mix.JUMBO && f.maxIp > 2000
                        ? r.between(4000, 8900) : r.between(900, 1400));
                int p = frame.append(n);
                payloads.random(frame.buf, p, n);
                // An application header whose first byte is not RTP/RTCP version 2, so
                // heuristic dissectors leave the random payload alone.
                frame.put8(p, 0x5A);
                countDown(f);
            }
        }
        byte[] src = dir == 0 ? f.clientIp : f.serverIp;
        byte[] dst = dir == 0 ? f.serverIp : f.clientIp;
        Headers.udp(frame, src, dst, dir == 0 ? f.clientPort : f.serverPort, dir == 0 ? f.serverPort : f.clientPort, true);
        ip(f, dir, IPPROTO_UDP);
        return dir;
    }

    private void countDown(Flow f) {
        if (--f.packetsLeft <= 0) {
            f.phase = Flow.DONE;
        }
    }

    private int icmp(Flow f) {
        int dir = f.packetsLeft % 2 == 0 ? 0 : 1;
        int seq = f.counter + (f.packetsLeft + 1) / 2;
        int n = small() ? 18 : 56;
        int p = frame.append(n);
        frame.put32(p, (int) (now / 1_000_000_000L));
        frame.put32(p + 4, (int) (now / 1000 % 1_000_000));
        for (int i = 8; i < n; i++) {
            frame.buf[p + i] = (byte) (0x08 + i);
        }
        byte[] src = dir == 0 ? f.clientIp : f.serverIp;
        byte[] dst = dir == 0 ? f.serverIp : f.clientIp;
        Headers.icmpEcho(frame, src, dst, dir == 0, f.clientPort, seq & 0xFFFF);
        ip(f, dir, f.v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
        countDown(f);
        return dir;
    }

    private static final byte[] ZERO_MAC = new byte[6];

    private int arp(Flow f) {
        int dir = f.phase == 0 ? 0 : 1;
        if (dir == 0) {
            Headers.arp(frame, 1, f.clientMac, f.clientIp, ZERO_MAC, f.serverIp);
        } else {
            Headers.arp(frame, 2, f.serverMac, f.serverIp, f.clientMac, f.clientIp);
        }
        l3Pos = frame.start;
        innerType = ETHERTYPE_ARP;
        f.phase = dir == 0 ? 1 : Flow.DONE;
        return dir;
    }

    private void ip(Flow f, int dir, int protocol) {
        byte[] src = dir == 0 ? f.clientIp : f.serverIp;
        byte[] dst = dir == 0 ? f.serverIp : f.clientIp;
        int id = dir == 0 ? f.clientIpId++ : f.serverIpId++;
        Headers.ip(frame, src, dst, protocol, dir == 0 ? f.clientTtl : f.serverTtl, id & 0xFFFF, f.flowLabel);
        l3Pos = frame.start;
        innerType = f.v6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4;
    }

    // ---- encapsulation ----

    private static final byte[] BROADCAST = {-1, -1, -1, -1, -1, -1};

    private void wrap(Flow f, int dir) {
        int type = innerType;
        macPos = -1;
        twinEnd = -1;
        layersAdded = 0;
        byte[] dstOverride = f.kind == Flow.Kind.ARP && dir == 0 ? BROADCAST : null;
        for (Layer l : f.plan.layers) {
            boolean fwd = dir == 0 || l.fixedDirection;
            switch (l.kind) {
                case Layer.ETH -> {
                    byte[] src = fwd ? l.macA : l.macB;
                    byte[] dst = fwd ? l.macB : l.macA;
                    if (macPos < 0 && dstOverride != null) {
                        dst = dstOverride;
                    }
                    int p = Headers.ethernet(frame, dst, src, l.tags, type);
                    if (macPos < 0) {
                        macPos = p;
                    }
                    layersAdded += l.tags.length;
                    type = ETH_PAYLOAD;
                }
                case Layer.MPLS -> {
                    if (type == ETH_PAYLOAD && l.controlWord) {
                        Headers.pwControlWord(frame, l.seq++);
                    }
                    Headers.mplsStack(frame, l.labels, 64 - l.labels.length);
                    layersAdded++;
                    type = ETHERTYPE_MPLS;
                }
                case Layer.GRE -> {
                    markTunnel();
                    int proto = l.erspan == 3 ? ETHERTYPE_ERSPAN_III : l.erspan > 0 ? ETHERTYPE_ERSPAN_I_II
                            : type == ETH_PAYLOAD ? ETHERTYPE_TEB : type;
                    if (l.erspan == 2) {
                        Headers.erspan2(frame, 0, 0, l.session, l.seq);
                    } else if (l.erspan == 3) {
                        Headers.erspan3(frame, 0, 0, l.session, (int) (now / 100_000L), 0, 1, l.erspanSubheader, 1, l.session);
                    }
                    Headers.gre(frame, proto, l.checksum, l.hasKey, l.key, l.hasSeq, l.seq++);
                    type = outerIp(l, fwd, IPPROTO_GRE);
                }
                case Layer.VXLAN -> {
                    markTunnel();
                    Headers.vxlan(frame, l.vni);
                    byte[] src = fwd ? l.ipA : l.ipB;
                    byte[] dst = fwd ? l.ipB : l.ipA;
                    Headers.udp(frame, src, dst, l.udpSourcePort, VXLAN_PORT, false);
                    type = outerIp(l, fwd, IPPROTO_UDP);
                }
                default -> throw new IllegalStateException();
            }
        }
        frame.padTo(60);
        if (twinEnd < 0) {
            twinEnd = frame.end;
        }
    }

    private void markTunnel() {
        if (twinEnd < 0) {
            twinEnd = frame.end;
        }
        layersAdded++;
    }

    private int outerIp(Layer l, boolean fwd, int protocol) {
        byte[] src = fwd ? l.ipA : l.ipB;
        byte[] dst = fwd ? l.ipB : l.ipA;
        Headers.ip(frame, src, dst, protocol, l.ttl, l.ipId++ & 0xFFFF, l.vni);
        return src.length == 16 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4;
    }

    /** Writes the decapsulated twin of the current frame into {@code out}; returns its length. */
    int twin(byte[] out) {
        System.arraycopy(frame.buf, macPos, out, 0, ETH_MACS_LENGTH);
        out[12] = (byte) (innerType >>> 8);
        out[13] = (byte) innerType;
        int n = twinEnd - l3Pos;
        System.arraycopy(frame.buf, l3Pos, out, ETH_HEADER_LENGTH, n);
        return ETH_HEADER_LENGTH + n;
    }
}
