package io.pushcap.internal.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;

/**
 * libpcap's version string with one downcall, for {@code pushcap --version}. {@link LibPcap} binds
 * some thirty functions when its class initialises (about 0.1-0.2 s of method-handle spinning at
 * start-up); printing the version needs only {@code pcap_lib_version}, so this class never touches
 * {@link LibPcap}. Even one downcall costs 0.05-0.15 s (the JDK spins its stub classes, which
 * the AOT cache cannot hold), so the string is first read from the library file the dynamic
 * linker would load: libpcap's {@code pcap_lib_version()} returns a constant of the form
 * {@code "libpcap version X.Y.Z ..."} stored in the library's read-only data. Only when that file
 * is not at a standard place, holds no such string, or {@code LD_LIBRARY_PATH} could make the
 * linker choose another file, is the function called.
 *
 * <p><b>Note:</b> stateless and thread-safe; a missing library is an answer ({@code null}), never an
 * exception.
 */
public final class LibPcapVersion {
    private LibPcapVersion() {
    }

    /** Where Debian/Ubuntu and Fedora-style systems keep the library; the first that exists wins. */
    static final List<Path> STANDARD = List.of(
            Path.of("/usr/lib/x86_64-linux-gnu", LibPcap.SONAME),
            Path.of("/lib/x86_64-linux-gnu", LibPcap.SONAME),
            Path.of("/usr/lib/aarch64-linux-gnu", LibPcap.SONAME),
            Path.of("/usr/lib64", LibPcap.SONAME),
            Path.of("/usr/lib", LibPcap.SONAME));

    private static final byte[] PREFIX = "libpcap version ".getBytes(StandardCharsets.US_ASCII);

    /** "libpcap version 1.10.3 (with TPACKET_V3)", or null when libpcap cannot be loaded. */
    public static String text() {
        String ld = System.getenv("LD_LIBRARY_PATH");
        if (ld == null || ld.isBlank()) {
            for (Path p : STANDARD) {
                if (Files.isRegularFile(p)) {
                    String s = fromFile(p);
                    if (s != null) {
                        return s;
                    }
                    break;
                }
            }
        }
        return called();
    }

    /** The one NUL-terminated "libpcap version ..." string in the file, or null (none, several, unreadable). */
    static String fromFile(Path library) {
        byte[] b;
        try {
            b = Files.readAllBytes(library);
        } catch (IOException | OutOfMemoryError e) {
            return null;
        }
        String found = null;
        outer:
        for (int i = 0; i + PREFIX.length < b.length; i++) {
            for (int j = 0; j < PREFIX.length; j++) {
                if (b[i + j] != PREFIX[j]) {
                    continue outer;
                }
            }
            // Only a string that starts at a NUL boundary and is followed by a version digit.
            if ((i > 0 && b[i - 1] != 0) || !Character.isDigit(b[i + PREFIX.length])) {
                continue;
            }
            int end = i;
            while (end < b.length && b[end] != 0 && end - i < 200) {
                end++;
            }
            if (end >= b.length || b[end] != 0) {
                continue;
            }
            String s = new String(b, i, end - i, StandardCharsets.US_ASCII);
            if (found != null && !found.equals(s)) {
                return null;
            }
            found = s;
        }
        return found;
    }

    /** pcap_lib_version() through FFM. */
    static String called() {
        SymbolLookup lookup;
        try {
            lookup = SymbolLookup.libraryLookup(LibPcap.SONAME, Arena.global());
        } catch (IllegalArgumentException e) {
            Path known = Path.of("/usr/lib/x86_64-linux-gnu", LibPcap.SONAME);
            if (!Files.exists(known)) {
                return null;
            }
            try {
                lookup = SymbolLookup.libraryLookup(known, Arena.global());
            } catch (IllegalArgumentException again) {
                return null;
            }
        }
        MemorySegment fn = lookup.find("pcap_lib_version").orElse(null);
        if (fn == null) {
            return null;
        }
        MethodHandle h = Linker.nativeLinker().downcallHandle(fn, FunctionDescriptor.of(ADDRESS));
        try {
            MemorySegment s = (MemorySegment) h.invokeExact();
            return s.reinterpret(Integer.MAX_VALUE).getString(0);
        } catch (Throwable t) {
            return null;
        }
    }
}
