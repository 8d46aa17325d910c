package io.pushcap.capture;

import io.pushcap.PushcapException;
import io.pushcap.internal.ffm.Errno;
import io.pushcap.internal.ffm.LibPcap;
import io.pushcap.pcap.Packet;
import io.pushcap.pipeline.filter.BpfFilter;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A libpcap live capture on one network device (TPACKET_V3 underneath on Linux), opened with
 * {@code pcap_create}, configured, and activated; packets come with nanosecond timestamps.
 *
 * <p>The handle runs in non-blocking mode and waits with {@code poll(2)} on its selectable
 * descriptor, because with TPACKET_V3 libpcap's own read timeout never fires on an idle link
 * (the kernel only retires blocks that hold packets), which would leave a reader blocked for ever.
 *
 * <p>A capture loop reads with {@link #nextReady(Packet)} until the kernel runs dry, then waits
 * with {@link #awaitPackets()}: the same code runs in a burst and on an idle link, so the JIT's
 * compiled loop survives the change between them. {@link #next(Packet)} does both for callers that
 * take one packet at a time.
 *
 * <p><b>Note:</b> not thread-safe, except {@link #breakLoop()}, which any thread may call to make
 * a waiting {@link #next(Packet)} or {@link #awaitPackets()} return within the timeout (100 ms
 * while the link is idle). The bytes {@link #next(Packet)} points at belong to
 * libpcap and stay valid only until the next call; the packet's segment is one spanning native
 * memory, with the bytes at its offset (no segment is allocated per packet). Every failure raises a
 * {@link PushcapException} naming the call, the device and libpcap's message.
 */
public final class LiveCapture implements AutoCloseable {
    /** All of native memory; packets point into libpcap's buffer by absolute address. */
    private static final MemorySegment NATIVE = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);
    /** Poll timeout while the link is idle: how late {@link #breakLoop()} may be seen then. */
    static final int QUIET_POLL_MILLIS = 100;

    /**
     * Options for {@link #open(Options)}; {@code timeoutMillis} is the kernel's block timeout: how
     * long a captured packet may wait before delivery. While no packet arrives, TPACKET_V3 may keep
     * next() blocked longer; {@link #breakLoop()} always ends the wait.
     */
    public record Options(String device, int snaplen, boolean promiscuous, int bufferBytes, boolean immediate,
                          int timeoutMillis, boolean inboundOnly) {
        public Options {
            if (snaplen <= 0) {
                snaplen = 262_144;
            }
        }

        public static Options defaults(String device) {
            return new Options(device, 262_144, true, 32 << 20, false, 50, false);
        }
    }

    /** Kernel counters from {@code pcap_stats}: received, dropped by the kernel, dropped by the interface. */
    public record Stats(long received, long dropped, long interfaceDropped) {
    }

    private final String device;
    private final Arena arena;
    private final MemorySegment pcap;
    private final MemorySegment headerPtr;
    private final MemorySegment dataPtr;
    private final MemorySegment stat;
    private final MemorySegment callState;
    private final int linkType;
    private final int snaplen;
    private final int fd;
    private final int timeoutMillis;
    private final MemorySegment pollScratch;
    private final int quietPollMillis;
    private volatile boolean broken;
    private int pollMillis;
    private MemorySegment txScratch;
    private boolean closed;

    private LiveCapture(String device, Arena arena, MemorySegment pcap, int timeoutMillis) {
        this.device = device;
        this.arena = arena;
        this.pcap = pcap;
        this.headerPtr = arena.allocate(ADDRESS);
        this.dataPtr = arena.allocate(ADDRESS);
        this.stat = arena.allocate(LibPcap.PCAP_STAT);
        this.callState = Errno.allocate(arena);
        // Files and rings store LINKTYPE values; pcap_datalink reports a DLT (DLT_RAW 12 on a tun device).
        this.linkType = io.pushcap.pcap.LinkType.fromDlt(LibPcap.datalink(pcap));
        this.snaplen = LibPcap.snapshot(pcap);
        this.fd = LibPcap.selectableFd(pcap);
        this.timeoutMillis = Math.max(1, timeoutMillis);
        this.quietPollMillis = Math.max(this.timeoutMillis, QUIET_POLL_MILLIS);
        this.pollMillis = this.timeoutMillis;
        this.pollScratch = io.pushcap.internal.ffm.LibC.allocatePollScratch(arena);
    }

    /** Creates, configures and activates a capture; warnings from activate are logged, errors thrown. */
    public static LiveCapture open(Options o) {
        LibPcap.require();
        Arena arena = Arena.ofShared();
        MemorySegment errbuf = arena.allocate(LibPcap.PCAP_ERRBUF_SIZE);
        MemorySegment pcap = LibPcap.create(arena.allocateFrom(o.device()), errbuf);
        if (pcap.equals(MemorySegment.NULL)) {
            String msg = errbuf.getString(0);
            arena.close();
            throw new PushcapException("pcap_create(" + o.device() + "): " + msg);
        }
        try {
            check(pcap, o.device(), "pcap_set_snaplen", LibPcap.setInt("pcap_set_snaplen", pcap, o.snaplen()));
            check(pcap, o.device(), "pcap_set_promisc", LibPcap.setInt("pcap_set_promisc", pcap, o.promiscuous() ? 1 : 0));
            check(pcap, o.device(), "pcap_set_timeout", LibPcap.setInt("pcap_set_timeout", pcap, Math.max(1, o.timeoutMillis())));
            if (o.bufferBytes() > 0) {
                check(pcap, o.device(), "pcap_set_buffer_size", LibPcap.setInt("pcap_set_buffer_size", pcap, o.bufferBytes()));
            }
            check(pcap, o.device(), "pcap_set_immediate_mode", LibPcap.setInt("pcap_set_immediate_mode", pcap, o.immediate() ? 1 : 0));
            check(pcap, o.device(), "pcap_set_tstamp_precision",
                    LibPcap.setInt("pcap_set_tstamp_precision", pcap, LibPcap.PCAP_TSTAMP_PRECISION_NANO));
            int rc = LibPcap.activate(pcap);
            if (rc < 0) {
                String detail = LibPcap.geterr(pcap);
                String status = LibPcap.statusToStr(rc);
                throw new PushcapException("pcap_activate(" + o.device() + "): " + status
                        + (detail.isBlank() ? "" : ": " + detail) + hint(rc));
            }
            if (rc > 0) {
                org.slf4j.LoggerFactory.getLogger(LiveCapture.class).warn("pcap_activate({}): {}: {}", o.device(),
                        LibPcap.statusToStr(rc), LibPcap.geterr(pcap));
            }
            if (o.inboundOnly()) {
                check(pcap, o.device(), "pcap_setdirection", LibPcap.setInt("pcap_setdirection", pcap, LibPcap.PCAP_D_IN));
            }
            MemorySegment nb = arena.allocate(LibPcap.PCAP_ERRBUF_SIZE);
            if (LibPcap.setnonblock(pcap, 1, nb) != 0) {
                throw new PushcapException("pcap_setnonblock(" + o.device() + "): " + nb.getString(0));
            }
            return new LiveCapture(o.device(), arena, pcap, o.timeoutMillis());
        } catch (RuntimeException e) {
            LibPcap.close(pcap);
            arena.close();
            throw e;
        }
    }

    private static String hint(int rc) {
        return switch (rc) {
            case -8 -> " (PCAP_ERROR_PERM_DENIED: run as root or grant CAP_NET_RAW)";
            case -5 -> " (no such device: check `ip link`)";
            case -9 -> " (interface is down: ip link set dev IFACE up)";
            default -> "";
        };
    }

    private static void check(MemorySegment pcap, String device, String call, int rc) {
        if (rc != 0) {
            throw new PushcapException(call + "(" + device + "): " + LibPcap.statusToStr(rc) + ": " + LibPcap.geterr(pcap));
        }
    }

    /** Installs a kernel filter compiled for this capture's link type. */
    public void setFilter(BpfFilter filter) {
        int rc = LibPcap.setfilter(pcap, filter.program());
        if (rc != 0) {
            throw new PushcapException("pcap_setfilter(" + device + ", '" + filter.expression() + "'): " + LibPcap.geterr(pcap));
        }
    }

    /**
     * Waits up to the configured timeout for a packet.
     *
     * @return true with {@code packet} filled, false on timeout or after {@link #breakLoop()}
     */
    public boolean next(Packet packet) {
        if (nextReady(packet)) {
            return true;
        }
        if (broken) {
            return false;
        }
        awaitPackets();
        return nextReady(packet);
    }

    /**
     * A packet the kernel has already handed over, without waiting.
     *
     * @return true with {@code packet} filled, false when none is ready now or after {@link #breakLoop()}
     */
    public boolean nextReady(Packet packet) {
        int rc = LibPcap.nextEx(pcap, headerPtr, dataPtr);
        if (rc == 1) {
            // Addresses read as longs into one segment spanning the address space: a segment
            // object per packet would escape into the Packet and be allocated at every packet.
            long hdr = headerPtr.get(JAVA_LONG, 0);
            long sec = NATIVE.get(JAVA_LONG, hdr + LibPcap.PKTHDR_TV_SEC);
            long nsec = NATIVE.get(JAVA_LONG, hdr + LibPcap.PKTHDR_TV_FRAC);
            int caplen = NATIVE.get(JAVA_INT, hdr + LibPcap.PKTHDR_CAPLEN);
            int len = NATIVE.get(JAVA_INT, hdr + LibPcap.PKTHDR_LEN);
            packet.set(NATIVE, dataPtr.get(JAVA_LONG, 0), caplen, len, sec * 1_000_000_000L + nsec, linkType, 0);
            return true;
        }
        if (rc == 0 || rc == LibPcap.PCAP_ERROR_BREAK) {
            return false;
        }
        throw new PushcapException("pcap_next_ex(" + device + "): " + LibPcap.geterr(pcap));
    }

    /**
     * Waits until the kernel hands over packets: at most the block timeout, or
     * {@value #QUIET_POLL_MILLIS} ms once a whole wait passed without any (the kernel's block timer
     * makes the descriptor readable as soon as packets wait, so the longer wait only bounds how late
     * {@link #breakLoop()} is seen, and saves system calls on an idle link).
     */
    public void awaitPackets() {
        int rc = io.pushcap.internal.ffm.LibC.poll(pollScratch, fd, pollMillis);
        // Without a branch on purpose: a capture loop alternates bursts (every wait ends with
        // packets) and idle links (waits time out). A branch on the outcome would be compiled for
        // the one seen so far and deoptimise, with two recompilations, at each change of regime
        // (docs/store.md, "CPU per packet").
        int ready = Math.min(Math.max(rc, 0), 1);
        pollMillis = quietPollMillis - ready * (quietPollMillis - timeoutMillis);
    }

    /**
     * Switches non-blocking mode: {@link #next(Packet)} then returns false at once when no packet
     * is ready. With TPACKET_V3 a blocking {@link #next(Packet)} may wait indefinitely while no
     * packet arrives (the kernel retires only non-empty blocks), whatever the timeout.
     */
    public void setNonblocking(boolean nonblocking) {
        MemorySegment errbuf = arena.allocate(LibPcap.PCAP_ERRBUF_SIZE);
        if (LibPcap.setnonblock(pcap, nonblocking ? 1 : 0, errbuf) != 0) {
            throw new PushcapException("pcap_setnonblock(" + device + "): " + errbuf.getString(0));
        }
    }

    /** Kernel counters since the capture was activated. */
    public Stats stats() {
        int rc = LibPcap.stats(pcap, stat);
        if (rc != 0) {
            throw new PushcapException("pcap_stats(" + device + "): " + LibPcap.geterr(pcap));
        }
        return new Stats(stat.get(JAVA_INT, 0) & 0xffffffffL, stat.get(JAVA_INT, 4) & 0xffffffffL,
                stat.get(JAVA_INT, 8) & 0xffffffffL);
    }

    /**
     * Sends a raw frame with {@code pcap_inject}.
     *
     * @return bytes sent, or a negative errno when the kernel refused it (e.g. -EMSGSIZE)
     */
    public int inject(MemorySegment frame, long offset, int length) {
        MemorySegment src = frame.asSlice(offset, length);
        if (!src.isNative()) {
            // pcap_inject cannot read the Java heap: stage the frame in native memory.
            if (txScratch == null || txScratch.byteSize() < length) {
                txScratch = arena.allocate(Math.max(length, 65536));
            }
            MemorySegment.copy(src, 0, txScratch, 0, length);
            src = txScratch;
        }
        int rc = LibPcap.inject(callState, pcap, src, length);
        if (rc < 0) {
            int errno = Errno.get(callState);
            return errno == 0 ? -1 : -errno;
        }
        return rc;
    }

    /** libpcap's last error text for this handle. */
    public String lastError() {
        return LibPcap.geterr(pcap);
    }

    /** Makes a blocked {@link #next(Packet)} return false; safe from any thread. */
    public void breakLoop() {
        broken = true;
        LibPcap.breakloop(pcap);
    }

    public int linkType() {
        return linkType;
    }

    public int snaplen() {
        return snaplen;
    }

    public String device() {
        return device;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            LibPcap.close(pcap);
            arena.close();
        }
    }
}
