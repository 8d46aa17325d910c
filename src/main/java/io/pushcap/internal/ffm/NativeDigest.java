package io.pushcap.internal.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * A {@link MessageDigest} computed by OpenSSL's libcrypto ({@link LibCrypto}), for the digests of
 * every published byte: a split's SHA-256 and an S3 body's Content-MD5. {@link #sha256()} and
 * {@link #md5()} return the JDK's own implementation when libcrypto is not there, so callers never
 * need to know which they got; both give the same bytes (NativeDigestTest).
 *
 * <p><b>Note:</b> not thread-safe, as any {@code MessageDigest}. The native context is freed when
 * the digest becomes unreachable (an automatic arena's cleanup). Heap bytes are hashed in place;
 * a direct {@link ByteBuffer} is hashed through its address. An OpenSSL failure (out of memory)
 * throws {@link IllegalStateException}.
 */
public final class NativeDigest extends MessageDigest {
    /** Bytes per native call: a critical call holds off the garbage collector while it runs. */
    private static final int MAX_CALL = 4 << 20;

    private final MemorySegment type;
    private final int length;
    private final MemorySegment ctx;
    private final MemorySegment out;
    private final MemorySegment outLength;

    private NativeDigest(String algorithm, MemorySegment type, int length) {
        super(algorithm);
        this.type = type;
        this.length = length;
        Arena arena = Arena.ofAuto();
        MemorySegment raw = LibCrypto.mdCtxNew();
        if (raw.equals(MemorySegment.NULL)) {
            throw new IllegalStateException(algorithm + ": EVP_MD_CTX_new failed (out of memory)");
        }
        this.ctx = raw.reinterpret(0, arena, LibCrypto::mdCtxFree);
        this.out = arena.allocate(LibCrypto.EVP_MAX_MD_SIZE);
        this.outLength = arena.allocate(JAVA_INT);
        init();
    }

    /** SHA-256: OpenSSL's when libcrypto is installed, else the JDK's. */
    public static MessageDigest sha256() {
        return LibCrypto.available() ? new NativeDigest("SHA-256", LibCrypto.sha256(), 32) : jdk("SHA-256");
    }

    /** MD5: OpenSSL's when libcrypto is installed, else the JDK's. */
    public static MessageDigest md5() {
        return LibCrypto.available() ? new NativeDigest("MD5", LibCrypto.md5(), 16) : jdk("MD5");
    }

    /** The JDK's implementation, for comparison and where libcrypto is missing. */
    public static MessageDigest jdk(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is a required JDK algorithm", e);
        }
    }

    private void init() {
        check(LibCrypto.digestInit(ctx, type), "EVP_DigestInit_ex");
    }

    private void check(int rc, String call) {
        if (rc != 1) {
            throw new IllegalStateException(getAlgorithm() + ": " + call + " failed");
        }
    }

    @Override
    protected int engineGetDigestLength() {
        return length;
    }

    @Override
    protected void engineUpdate(byte input) {
        engineUpdate(new byte[] {input}, 0, 1);
    }

    @Override
    protected void engineUpdate(byte[] input, int offset, int len) {
        update(MemorySegment.ofArray(input), offset, len);
    }

    @Override
    protected void engineUpdate(ByteBuffer input) {
        int len = input.remaining();
        if (len == 0) {
            return;
        }
        if (input.hasArray()) {
            update(MemorySegment.ofArray(input.array()), input.arrayOffset() + input.position(), len);
        } else {
            update(MemorySegment.ofBuffer(input), 0, len);
        }
        input.position(input.limit());
    }

    private void update(MemorySegment bytes, long offset, long len) {
        java.util.Objects.checkFromIndexSize(offset, len, bytes.byteSize());
        while (len > 0) {
            long n = Math.min(len, MAX_CALL);
            check(LibCrypto.digestUpdate(ctx, bytes.asSlice(offset, n), n), "EVP_DigestUpdate");
            offset += n;
            len -= n;
        }
    }

    @Override
    protected byte[] engineDigest() {
        check(LibCrypto.digestFinal(ctx, out, outLength), "EVP_DigestFinal_ex");
        byte[] d = out.asSlice(0, outLength.get(JAVA_INT, 0)).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        init();
        return d;
    }

    @Override
    protected void engineReset() {
        init();
    }
}
