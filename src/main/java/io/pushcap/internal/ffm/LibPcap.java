package io.pushcap.internal.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Raw bindings to {@code libpcap.so.0.8} through the FFM API: one static method handle per C
 * function, with the C names and signatures. Higher layers ({@code capture.LiveCapture},
 * {@code pipeline.filter.BpfFilter}) turn return codes into exceptions.
 *
 * <p><b>Note:</b> the library is looked up once, by its full soname, because Debian ships no
 * {@code libpcap.so} without {@code libpcap-dev}. If it is missing, {@link #require()} throws
 * {@link NativeLibraryMissingException} naming the package to install. Method handles are
 * thread-safe; the pcap handles they operate on are not.
 */
public final class LibPcap {
    public static final String SONAME = "libpcap.so.0.8";
    public static final String INSTALL_HINT = "apt-get install -y libpcap0.8";

    public static final int PCAP_ERRBUF_SIZE = 256;
    public static final int PCAP_TSTAMP_PRECISION_MICRO = 0;
    public static final int PCAP_TSTAMP_PRECISION_NANO = 1;
    public static final int PCAP_NETMASK_UNKNOWN = 0xffffffff;
    public static final int PCAP_D_INOUT = 0;
    public static final int PCAP_D_IN = 1;
    public static final int PCAP_ERROR = -1;
    public static final int PCAP_ERROR_BREAK = -2;

    /** {@code struct bpf_program { u_int bf_len; struct bpf_insn *bf_insns; }}. */
    public static final StructLayout BPF_PROGRAM = MemoryLayout.structLayout(
            JAVA_INT.withName("bf_len"), MemoryLayout.paddingLayout(4), ADDRESS.withName("bf_insns"));

    /** {@code struct pcap_pkthdr { struct timeval ts; bpf_u_int32 caplen; bpf_u_int32 len; }} on LP64. */
    public static final StructLayout PKTHDR = MemoryLayout.structLayout(
            JAVA_LONG.withName("tv_sec"), JAVA_LONG.withName("tv_usec"),
            JAVA_INT.withName("caplen"), JAVA_INT.withName("len"));
    public static final long PKTHDR_TV_SEC = 0;
    public static final long PKTHDR_TV_FRAC = 8;
    public static final long PKTHDR_CAPLEN = 16;
    public static final long PKTHDR_LEN = 20;

    /** {@code struct pcap_stat { u_int ps_recv; u_int ps_drop; u_int ps_ifdrop; }}. */
    public static final StructLayout PCAP_STAT = MemoryLayout.structLayout(
            JAVA_INT.withName("ps_recv"), JAVA_INT.withName("ps_drop"), JAVA_INT.withName("ps_ifdrop"));

    private static final Loaded LOADED = Loaded.load();

    private LibPcap() {
    }

    /** Fails with a one-line, actionable message when libpcap cannot be loaded. */
    public static void require() {
        if (LOADED.error != null) {
            throw new NativeLibraryMissingException(LOADED.error);
        }
    }

    /** True when libpcap was found. */
    public static boolean available() {
        return LOADED.error == null;
    }

    /** libpcap's version string, e.g. "libpcap version 1.10.3 (with TPACKET_V3)". */
    public static String libVersion() {
        require();
        try {
            MemorySegment s = (MemorySegment) h("pcap_lib_version").invokeExact();
            return s.reinterpret(Integer.MAX_VALUE).getString(0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static MethodHandle h(String name) {
        require();
        // Bound on first use: each downcall handle costs milliseconds of stub spinning at start-up,
        // and most commands use a handful of the thirty (docs/performance.md, Start-up).
        return LOADED.handles.computeIfAbsent(name, n -> {
            // Loaded keeps a descriptor only for the symbols this libpcap has.
            FunctionDescriptor fd = LOADED.descriptors.get(n);
            if (fd == null) {
                throw new IllegalStateException("libpcap symbol not bound: " + n);
            }
            return Linker.nativeLinker().downcallHandle(symbol(n), fd);
        });
    }

    // ---- thin typed wrappers: return codes are returned as-is ----

    public static MemorySegment openDeadWithTstampPrecision(int linktype, int snaplen, int precision) {
        try {
            return (MemorySegment) h("pcap_open_dead_with_tstamp_precision").invokeExact(linktype, snaplen, precision);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code pcap_open_offline_with_tstamp_precision}: NULL on failure, with the reason in {@code errbuf}. */
    public static MemorySegment openOfflineWithTstampPrecision(MemorySegment fname, int precision, MemorySegment errbuf) {
        try {
            return (MemorySegment) h("pcap_open_offline_with_tstamp_precision").invokeExact(fname, precision, errbuf);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int compile(MemorySegment pcap, MemorySegment program, MemorySegment filter, int optimize, int netmask) {
        try {
            return (int) h("pcap_compile").invokeExact(pcap, program, filter, optimize, netmask);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void freecode(MemorySegment program) {
        try {
            h("pcap_freecode").invokeExact(program);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code pcap_offline_filter}: bound as a critical downcall (no thread-state transition,
     * heap segments allowed), which keeps the per-packet cost near 25 ns.
     */
    public static int offlineFilter(MemorySegment program, MemorySegment header, MemorySegment packet) {
        try {
            return (int) FilterHeap.HANDLE.invokeExact(program, header, packet);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static MemorySegment create(MemorySegment source, MemorySegment errbuf) {
        try {
            return (MemorySegment) h("pcap_create").invokeExact(source, errbuf);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int setInt(String function, MemorySegment pcap, int value) {
        try {
            return (int) h(function).invokeExact(pcap, value);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int activate(MemorySegment pcap) {
        return call1(pcap, "pcap_activate");
    }

    public static int datalink(MemorySegment pcap) {
        return call1(pcap, "pcap_datalink");
    }

    public static int snapshot(MemorySegment pcap) {
        return call1(pcap, "pcap_snapshot");
    }

    public static int selectableFd(MemorySegment pcap) {
        return call1(pcap, "pcap_get_selectable_fd");
    }

    public static int nextEx(MemorySegment pcap, MemorySegment hdrPtr, MemorySegment dataPtr) {
        try {
            return (int) NextEx.HANDLE.invokeExact(pcap, hdrPtr, dataPtr);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int stats(MemorySegment pcap, MemorySegment stat) {
        try {
            return (int) h("pcap_stats").invokeExact(pcap, stat);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code pcap_inject}; errno is captured into {@code callState} (see {@link Errno}). */
    public static int inject(MemorySegment callState, MemorySegment pcap, MemorySegment buf, long size) {
        try {
            return (int) Inject.HANDLE.invokeExact(callState, pcap, buf, size);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static String geterr(MemorySegment pcap) {
        try {
            MemorySegment s = (MemorySegment) h("pcap_geterr").invokeExact(pcap);
            return s.reinterpret(PCAP_ERRBUF_SIZE * 2L).getString(0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static String statusToStr(int status) {
        try {
            MemorySegment s = (MemorySegment) h("pcap_statustostr").invokeExact(status);
            return s.reinterpret(1024).getString(0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void breakloop(MemorySegment pcap) {
        try {
            h("pcap_breakloop").invokeExact(pcap);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void close(MemorySegment pcap) {
        try {
            h("pcap_close").invokeExact(pcap);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static int call1(MemorySegment pcap, String name) {
        try {
            return (int) h(name).invokeExact(pcap);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException re) {
            throw re;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException(t);
    }

    /**
     * {@code pcap_offline_filter} with raw addresses: no segment objects on the hot path. Only for
     * native memory (mapped files, rings, arenas).
     */
    public static int offlineFilterAt(long program, long header, long packet) {
        try {
            return (int) FilterAt.HANDLE.invokeExact(program, header, packet);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code pcap_setnonblock(p, nonblock, errbuf)}. */
    public static int setnonblock(MemorySegment pcap, int nonblock, MemorySegment errbuf) {
        try {
            return (int) h("pcap_setnonblock").invokeExact(pcap, nonblock, errbuf);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int setfilter(MemorySegment pcap, MemorySegment program) {
        try {
            return (int) h("pcap_setfilter").invokeExact(pcap, program);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Field accessor helpers for the structs above. */
    public static VarHandle field(StructLayout layout, String name) {
        return layout.varHandle(MemoryLayout.PathElement.groupElement(name));
    }

    /*
     * The per-packet handles, each bound when first used: a static final field of a holder class
     * is a constant to the JIT, as the eager fields were, and a push no longer spins the stubs of
     * functions it never calls (pcap_next_ex and pcap_inject are live capture's and the tap's;
     * the heap-segment filter is for packets in Java arrays). Each stub is a class spun through
     * the JDK's class-file API, ~10-15 ms at start and C2 work once that API runs hot.
     */
    private static final class FilterHeap {
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(symbol("pcap_offline_filter"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS), Linker.Option.critical(true));
    }

    private static final class FilterAt {
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(symbol("pcap_offline_filter"),
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG), Linker.Option.critical(false));
    }

    private static final class NextEx {
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(symbol("pcap_next_ex"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
    }

    private static final class Inject {
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(symbol("pcap_inject"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ValueLayout.JAVA_LONG), Errno.CAPTURE);
    }

    private static MemorySegment symbol(String name) {
        if (LOADED.lookup == null) {
            throw new IllegalStateException(LOADED.error);
        }
        return LOADED.lookup.find(name).orElseThrow(() -> new IllegalStateException("libpcap lacks " + name));
    }

    private record Loaded(String error, SymbolLookup lookup, java.util.Map<String, FunctionDescriptor> descriptors,
                          java.util.Map<String, MethodHandle> handles) {
        static Loaded load() {
            SymbolLookup lookup;
            try {
                lookup = SymbolLookup.libraryLookup(SONAME, Arena.global());
            } catch (IllegalArgumentException e) {
                Path known = Path.of("/usr/lib/x86_64-linux-gnu", SONAME);
                if (Files.exists(known)) {
                    lookup = SymbolLookup.libraryLookup(known, Arena.global());
                } else {
                    return new Loaded("libpcap not found: " + SONAME + " could not be loaded ("
                            + "install it with: " + INSTALL_HINT + ")", null, java.util.Map.of(),
                            new java.util.concurrent.ConcurrentHashMap<>());
                }
            }
            java.util.Map<String, FunctionDescriptor> m = new java.util.HashMap<>();
            SymbolLookup l = lookup;
            // Only the symbols this libpcap has; h() binds each on first use.
            java.util.function.BiConsumer<String, FunctionDescriptor> bind = (name, fd) ->
                    l.find(name).ifPresent(addr -> m.put(name, fd));
            FunctionDescriptor intPtr = FunctionDescriptor.of(JAVA_INT, ADDRESS);
            FunctionDescriptor intPtrInt = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT);
            bind.accept("pcap_lib_version", FunctionDescriptor.of(ADDRESS));
            bind.accept("pcap_open_dead_with_tstamp_precision", FunctionDescriptor.of(ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT));
            bind.accept("pcap_open_offline_with_tstamp_precision",
                    FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, ADDRESS));
            bind.accept("pcap_compile", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT));
            bind.accept("pcap_freecode", FunctionDescriptor.ofVoid(ADDRESS));
            bind.accept("pcap_create", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
            for (String f : List.of("pcap_set_snaplen", "pcap_set_promisc", "pcap_set_timeout", "pcap_set_buffer_size",
                    "pcap_set_immediate_mode", "pcap_set_tstamp_precision", "pcap_setdirection")) {
                bind.accept(f, intPtrInt);
            }
            for (String f : List.of("pcap_activate", "pcap_datalink", "pcap_snapshot", "pcap_get_selectable_fd")) {
                bind.accept(f, intPtr);
            }
            bind.accept("pcap_stats", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
            bind.accept("pcap_setnonblock", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
            bind.accept("pcap_setfilter", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
            bind.accept("pcap_geterr", FunctionDescriptor.of(ADDRESS, ADDRESS));
            bind.accept("pcap_statustostr", FunctionDescriptor.of(ADDRESS, JAVA_INT));
            bind.accept("pcap_breakloop", FunctionDescriptor.ofVoid(ADDRESS));
            bind.accept("pcap_close", FunctionDescriptor.ofVoid(ADDRESS));
            return new Loaded(null, l, java.util.Map.copyOf(m), new java.util.concurrent.ConcurrentHashMap<>());
        }
    }
}
