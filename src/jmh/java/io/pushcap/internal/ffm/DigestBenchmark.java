package io.pushcap.internal.ffm;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The digests of published bytes: a split's SHA-256 and an S3 body's Content-MD5, fed as a split
 * writer feeds them (its 1 MiB drains; 1500 bytes for a small split's single records), OpenSSL's
 * ({@link NativeDigest}) against the JDK's. Score: updates per second; times {@code size} is the
 * hashing rate. The {@code jdk} rows need C2 (its SHA intrinsic); a short push never gets there
 * for its first megabytes, and C1-compiled code never does.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class DigestBenchmark {
    @Param({"SHA-256", "MD5"})
    String algorithm;

    @Param({"native", "jdk"})
    String implementation;

    @Param({"1500", "1048576"})
    int size;

    MessageDigest digest;
    byte[] bytes;

    @Setup
    public void setUp() {
        bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        if (implementation.equals("jdk")) {
            digest = NativeDigest.jdk(algorithm);
        } else {
            digest = algorithm.equals("MD5") ? NativeDigest.md5() : NativeDigest.sha256();
            if (!(digest instanceof NativeDigest)) {
                throw new IllegalStateException(LibCrypto.SONAME + " is not installed");
            }
        }
    }

    @Benchmark
    public void update(Blackhole bh) {
        digest.update(bytes, 0, size);
        bh.consume(digest);
    }
}
