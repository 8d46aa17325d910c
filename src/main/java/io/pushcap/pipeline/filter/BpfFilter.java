package io.pushcap.pipeline.filter;

import io.pushcap.internal.ffm.LibPcap;
import io.pushcap.pcap.LinkType;
import io.pushcap.pcap.Packet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantLock;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * A tcpdump filter expression compiled by libpcap for one link type, applied to packets with
 * {@code pcap_offline_filter}: the accept/reject decision is libpcap's own.
 *
 * <p><b>Note:</b> not thread-safe: each instance reuses one native packet header, so give each
 * thread its own (compile again, or {@link #duplicate()}). Packet bytes are read in place, never
 * copied. Compilation is serialised by a global lock because older libpcap grammars are not
 * reentrant. {@link #close()} frees the program; a closed filter must not be used.
 */
public final class BpfFilter implements AutoCloseable {
    private static final ReentrantLock COMPILE_LOCK = new ReentrantLock();

    private final String expression;
    private final int linkType;
    private final int snaplen;
    private final Arena arena;
    private final MemorySegment program;
    private final MemorySegment header;
    private final long programAddress;
    private final long headerAddress;

    private BpfFilter(String expression, int linkType, int snaplen, Arena arena, MemorySegment program) {
        this.expression = expression;
        this.linkType = linkType;
        this.snaplen = snaplen;
        this.arena = arena;
        this.program = program;
        this.header = arena.allocate(LibPcap.PKTHDR);
        this.programAddress = program.address();
        this.headerAddress = header.address();
    }

    /**
     * Compiles {@code expression} with optimisation for packets of {@code linkType}, a capture
     * file's LINKTYPE value (mapped to libpcap's DLT value, {@link LinkType#toDlt}, as libpcap
     * does when it opens a file; DLT values from a live capture pass unchanged).
     *
     * @throws BpfSyntaxException carrying libpcap's message and the expression
     */
    public static BpfFilter compile(String expression, int linkType, int snaplen) {
        LibPcap.require();
        Arena arena = Arena.ofShared();
        boolean ok = false;
        COMPILE_LOCK.lock();
        try {
            MemorySegment dead = handleToCompileFor(linkType, snaplen);
            if (dead.equals(MemorySegment.NULL)) {
                throw new BpfSyntaxException(expression, "link type " + LinkType.name(linkType) + " (" + linkType
                        + ") is not supported by libpcap");
            }
            try {
                MemorySegment program = arena.allocate(LibPcap.BPF_PROGRAM);
                int rc = LibPcap.compile(dead, program, arena.allocateFrom(expression), 1, LibPcap.PCAP_NETMASK_UNKNOWN);
                if (rc != 0) {
                    throw new BpfSyntaxException(expression, LibPcap.geterr(dead));
                }
                ok = true;
                return new BpfFilter(expression, linkType, snaplen, arena, program);
            } finally {
                LibPcap.close(dead);
            }
        } finally {
            COMPILE_LOCK.unlock();
            if (!ok) {
                arena.close();
            }
        }
    }

    /**
     * The libpcap handle a filter is compiled against: a dead handle, except for BSD loopback
     * (NULL, LOOP), where it is a handle on a capture file of that link type, as tcpdump has. For
     * those, libpcap's "ip6" (and so "udp", "tcp", ...) tests the address family; on a dead handle
     * it assumes a live Linux capture and tests only Linux's AF_INET6 (10), while on a file it
     * tests every platform's value (24, 28, 30): the values the BSD and macOS captures that have
     * this link type carry. Their IPv6 packets were filtered out.
     */
    private static MemorySegment handleToCompileFor(int linkType, int snaplen) {
        if (linkType == LinkType.NULL || linkType == LinkType.LOOP) {
            try (Arena a = Arena.ofConfined()) {
                Path header = Files.createTempFile("pushcap-bpf-", ".pcap");
                try {
                    ByteBuffer b = ByteBuffer.allocate(24).order(ByteOrder.nativeOrder());
                    b.putInt(0xa1b23c4d).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0)
                            .putInt(snaplen).putInt(linkType);
                    Files.write(header, b.array());
                    MemorySegment errbuf = a.allocate(LibPcap.PCAP_ERRBUF_SIZE);
                    MemorySegment file = LibPcap.openOfflineWithTstampPrecision(a.allocateFrom(header.toString()),
                            LibPcap.PCAP_TSTAMP_PRECISION_NANO, errbuf);
                    if (!file.equals(MemorySegment.NULL)) {
                        return file;
                    }
                } finally {
                    Files.deleteIfExists(header);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write a capture header to compile a filter for link type "
                        + linkType + ": " + e.getMessage(), e);
            }
        }
        // A dead handle takes libpcap's DLT value; a file header (above) holds the LINKTYPE value.
        return LibPcap.openDeadWithTstampPrecision(LinkType.toDlt(linkType), snaplen, LibPcap.PCAP_TSTAMP_PRECISION_NANO);
    }

    /** The same filter, compiled again for use on another thread. */
    public BpfFilter duplicate() {
        return compile(expression, linkType, snaplen);
    }

    /** True when libpcap's filter accepts the packet. */
    public boolean matches(Packet packet) {
        return matches(packet.segment(), packet.offset(), packet.caplen(), packet.wirelen());
    }

    /** True when libpcap's filter accepts {@code caplen} bytes at {@code offset} of {@code data}. */
    public boolean matches(MemorySegment data, long offset, int caplen, int wirelen) {
        header.set(JAVA_INT, LibPcap.PKTHDR_CAPLEN, caplen);
        header.set(JAVA_INT, LibPcap.PKTHDR_LEN, wirelen);
        if (data.isNative()) {
            return LibPcap.offlineFilterAt(programAddress, headerAddress, data.address() + offset) != 0;
        }
        return LibPcap.offlineFilter(program, header, data.asSlice(offset, caplen)) != 0;
    }

    public String expression() {
        return expression;
    }

    public int linkType() {
        return linkType;
    }

    /** The compiled program, for installing as a kernel filter on a live capture. */
    public MemorySegment program() {
        return program;
    }

    @Override
    public void close() {
        LibPcap.freecode(program);
        arena.close();
    }
}
