package io.pushcap.internal.ffm;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Raw bindings to OpenSSL's {@code libcrypto.so.3} message digests (the {@code EVP_Digest*}
 * functions), with the C names and signatures. {@link NativeDigest} wraps them as a
 * {@link java.security.MessageDigest}.
 *
 * <p>Why native: OpenSSL's SHA-256 uses the CPU's SHA extensions from the first byte, while the
 * JDK's runs in Java until C2 has compiled it with its intrinsic, and C1 has no such intrinsic at
 * all (docs/performance.md). {@code EVP_DigestUpdate} is bound as a critical downcall that may read
 * the Java heap, so a {@code byte[]} is hashed where it lies, without a copy.
 *
 * <p><b>Note:</b> the library is optional: {@link #available()} is false when it cannot be loaded
 * (then callers use the JDK's digests). Method handles are thread-safe; a digest context is not.
 * A critical call holds off the garbage collector while it runs, so callers pass at most a few
 * MiB per call.
 */
public final class LibCrypto {
    public static final String SONAME = "libcrypto.so.3";
    /** {@code EVP_MAX_MD_SIZE}. */
    public static final int EVP_MAX_MD_SIZE = 64;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIB = lookup();

    private LibCrypto() {
    }

    /** True when libcrypto was found and has the EVP digest functions. */
    public static boolean available() {
        return Handles.OK;
    }

    private static SymbolLookup lookup() {
        try {
            return SymbolLookup.libraryLookup(SONAME, java.lang.foreign.Arena.global());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Bound on first use: a downcall stub costs milliseconds to spin, and most commands never hash. */
    private static final class Handles {
        static final MethodHandle MD_CTX_NEW = bind("EVP_MD_CTX_new", FunctionDescriptor.of(ADDRESS));
        static final MethodHandle MD_CTX_FREE = bind("EVP_MD_CTX_free", FunctionDescriptor.ofVoid(ADDRESS));
        static final MethodHandle SHA256 = bind("EVP_sha256", FunctionDescriptor.of(ADDRESS));
        static final MethodHandle MD5 = bind("EVP_md5", FunctionDescriptor.of(ADDRESS));
        static final MethodHandle INIT = bind("EVP_DigestInit_ex",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        static final MethodHandle UPDATE = bind("EVP_DigestUpdate",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG), Linker.Option.critical(true));
        static final MethodHandle FINAL = bind("EVP_DigestFinal_ex",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        static final MethodHandle VERSION = bind("OpenSSL_version", FunctionDescriptor.of(ADDRESS, JAVA_INT));
        static final boolean OK = MD_CTX_NEW != null && MD_CTX_FREE != null && SHA256 != null && MD5 != null
                && INIT != null && UPDATE != null && FINAL != null;

        private static MethodHandle bind(String name, FunctionDescriptor fd, Linker.Option... options) {
            if (LIB == null) {
                return null;
            }
            return LIB.find(name).map(s -> LINKER.downcallHandle(s, fd, options)).orElse(null);
        }
    }

    /** {@code OpenSSL_version(OPENSSL_VERSION)}, e.g. "OpenSSL 3.0.17 1 Jul 2025"; null when not available. */
    public static String version() {
        if (!available() || Handles.VERSION == null) {
            return null;
        }
        try {
            MemorySegment s = (MemorySegment) Handles.VERSION.invokeExact(0);
            return s.reinterpret(256).getString(0);
        } catch (Throwable t) {
            throw LibPcap.rethrow(t);
        }
    }

    /** {@code EVP_MD_CTX *EVP_MD_CTX_new(void)}; NULL when out of memory. */
    public static MemorySegment mdCtxNew() {
        try {
            return (MemorySegment) Handles.MD_CTX_NEW.invokeExact();
        } catch (Throwable t) {
            throw LibPcap.rethrow(t);
        }
    }

    /** {@code void EVP_MD_CTX_free(EVP_MD_CTX *ctx)}. */
    public static void mdCtxFree(MemorySegment ctx) {
        try {
            Handles.MD_CTX_FREE.invokeExact(ctx);
        } catch (Throwable t) {
            throw LibPcap.rethrow(t);
        }
    }

    /** {@code const EVP_MD *EVP_sha256(void)}. */
    public static MemorySegment sha256() {
        try {
            return (MemorySegment) Handles.SHA256.invokeExact();
        } catch (Throwable t) {
            throw LibPcap.rethrow(t);
        }
    }

    /** {@code const EVP_MD *EVP_md5(void)}. */
    public static MemorySegment md5() {
        try {
            return (MemorySegment) Handles.MD5.invokeExact();
        } catch (Throwable t) {
            throw LibPcap.rethrow(t);
        }
    }

    /** {@code int EVP_DigestInit_ex(EVP_MD_CTX *ctx, const EVP_MD *type, ENGINE *impl)}: 1 on success. */
    public static int digestInit(MemorySegment ctx, MemorySegment md) {
        try {
            return (int) Handles.INIT.invokeExact(ctx, md, MemorySegment.NULL);
        } catch (Throwable t) {
            throw LibPcap.rethrow(t);
        }
    }

    /**
     * {@code int EVP_DigestUpdate(EVP_MD_CTX *ctx, const void *d, size_t cnt)}: 1 on success.
     * {@code data} may be a heap segment (critical call).
     */
    public static int digestUpdate(MemorySegment ctx, MemorySegment data, long length) {
        try {
            return (int) Handles.UPDATE.invokeExact(ctx, data, length);
        } catch (Throwable t) {
            throw LibPcap.rethrow(t);
        }
    }

    /** {@code int EVP_DigestFinal_ex(EVP_MD_CTX *ctx, unsigned char *md, unsigned int *s)}: 1 on success. */
    public static int digestFinal(MemorySegment ctx, MemorySegment out, MemorySegment outLength) {
        try {
            return (int) Handles.FINAL.invokeExact(ctx, out, outLength);
        } catch (Throwable t) {
            throw LibPcap.rethrow(t);
        }
    }
}
