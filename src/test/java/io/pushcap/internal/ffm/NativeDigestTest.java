package io.pushcap.internal.ffm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class NativeDigestTest {
    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    @Test
    void shouldUseOpenSslWhenLibcryptoIsInstalled() {
        // Debian's libssl3 is on every machine this project builds on; without it pushcap still
        // works, with the JDK's digests.
        assertThat(Files.exists(Path.of("/usr/lib/x86_64-linux-gnu", LibCrypto.SONAME)) || LibCrypto.available())
                .as(LibCrypto.SONAME + " missing: apt-get install libssl3").isTrue();
        assertThat(LibCrypto.available()).as("libcrypto found but its EVP digest functions were not bound").isTrue();
        assertThat(NativeDigest.sha256()).isInstanceOf(NativeDigest.class);
        assertThat(NativeDigest.md5()).isInstanceOf(NativeDigest.class);
    }

    @Test
    void shouldGiveTheKnownDigestsWhenGivenNothingOrAbc() {
        HexFormat hex = HexFormat.of();
        assertThat(hex.formatHex(NativeDigest.sha256().digest()))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(hex.formatHex(NativeDigest.sha256().digest("abc".getBytes())))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(hex.formatHex(NativeDigest.md5().digest("abc".getBytes())))
                .isEqualTo("900150983cd24fb0d6963f7d28e17f72");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 55, 56, 63, 64, 65, 1000, 1 << 20, (4 << 20) + 17, 9 << 20})
    void shouldMatchTheJdkWhenFedInEveryWay(int n) {
        byte[] b = bytes(n + 10);
        for (String alg : new String[] {"SHA-256", "MD5"}) {
            byte[] expected = NativeDigest.jdk(alg).digest(java.util.Arrays.copyOfRange(b, 5, 5 + n));
            MessageDigest whole = alg.equals("MD5") ? NativeDigest.md5() : NativeDigest.sha256();
            whole.update(b, 5, n);
            assertThat(whole.digest()).as(alg + " of " + n + " bytes from an array offset").isEqualTo(expected);

            MessageDigest pieces = alg.equals("MD5") ? NativeDigest.md5() : NativeDigest.sha256();
            int at = 5;
            for (int step = 1; at < 5 + n; step = step * 3 + 1) {
                int k = Math.min(step, 5 + n - at);
                if (k == 1) {
                    pieces.update(b[at]);
                } else {
                    pieces.update(b, at, k);
                }
                at += k;
            }
            assertThat(pieces.digest()).as(alg + " in pieces").isEqualTo(expected);

            ByteBuffer direct = ByteBuffer.allocateDirect(n + 3).position(3);
            direct.put(b, 5, n).position(3);
            MessageDigest d = alg.equals("MD5") ? NativeDigest.md5() : NativeDigest.sha256();
            d.update(direct);
            assertThat(direct.remaining()).as("the buffer is consumed").isZero();
            assertThat(d.digest()).as(alg + " of a direct buffer").isEqualTo(expected);

            ByteBuffer heap = ByteBuffer.wrap(b, 5, n).slice().asReadOnlyBuffer();
            MessageDigest r = alg.equals("MD5") ? NativeDigest.md5() : NativeDigest.sha256();
            r.update(heap);
            assertThat(r.digest()).as(alg + " of a read-only heap buffer").isEqualTo(expected);
        }
    }

    @Test
    void shouldStartAfreshWhenDigestedOrReset() {
        MessageDigest d = NativeDigest.sha256();
        d.update(bytes(100));
        byte[] first = d.digest();
        d.update(bytes(100));
        assertThat(d.digest()).as("a digest resets the context").isEqualTo(first);
        d.update(bytes(7));
        d.reset();
        d.update(bytes(100));
        assertThat(d.digest()).isEqualTo(first);
    }
}
